## Common
severity-critical = Kritikus
severity-high = Magas
severity-medium = Közepes
severity-low = Alacsony
severity-info = Információ

## MaxPatrol
mp-status-new = Új
mp-status-approved = Jóváhagyva
mp-status-in-progress = Folyamatban
mp-status-resolved = Megoldva
mp-status-closed = Lezárva
mp-fact-category = Kategória
mp-fact-type = Típus
mp-fact-assigned = Felelős
mp-fact-detected = Észlelve
mp-fact-source = Eredet
mp-fact-rules = Korrelációs szabályok
mp-fact-confirmed = Megerősítve
mp-fact-events-total = Események összesen
mp-value-yes = igen
mp-value-no = nem
mp-action-confirm = ▶️ Megerősítés
mp-action-close = ⏹ Lezárás
mp-notice-confirmed = A(z) { $key } incidens megerősítve a MaxPatrol SIEM-ben
mp-notice-closed = A(z) { $key } incidens lezárva a MaxPatrol SIEM-ben

## SOAR
fwd-soar = → SOAR
