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

## IDMEFv2
fwd-idmefv2 = → IDMEFv2

## Forward
cmd-forward-description = Incidens továbbítása a SOAR-ba vagy IDMEFv2-be
forward-target-name = { $target ->
    [soar] IBM SOAR
    [idmefv2] IDMEFv2
   *[other] { $target }
}
forward-usage = Használat: /forward <incidenskulcs> <cél>, ahol a cél ezek egyike: { $targets }
forward-unknown-target = Ismeretlen továbbítási cél: „{ $target }”.
forward-not-configured = A(z) { $name } felé történő továbbítás nincs beállítva ennél a botnál.
forward-unknown-incident = Nincs incidens ezzel a kulccsal: { $key }.
forward-refused = Incidenst csak elemzők és adminisztrátorok továbbíthatnak.
forward-done = ✅ { $name } fogadta a(z) { $key } incidenst, azonosító: { $ref }.
forward-open = Megnyitás itt: { $name }
forward-dry-run = 🧪 Próbafuttatás: a(z) { $key } incidens { $name } felé szóló kérése elkészült és naplózva lett; semmi sem lett elküldve.
forward-pending = ⏳ A(z) { $key } incidens továbbítása folyamatban ({ $name }); az eredmény a kártyán jelenik meg.
forward-failed = ❌ Nem sikerült továbbítani a(z) { $key } incidenst ({ $name }): { $error }
forward-no-outcome = nem rögzült eredmény
forward-retry-hint = Újrapróbálhatod ugyanezzel a paranccsal vagy az incidenskártya gombjával.

## Elastic
elastic-status-open = Nyitott
elastic-status-acknowledged = Nyugtázott
elastic-status-closed = Lezárt
elastic-fact-rule = Szabály
elastic-fact-rule-type = Szabálytípus
elastic-fact-risk-score = Kockázati pontszám
elastic-fact-tactic = Taktika
elastic-fact-technique = Technika
elastic-fact-host = Gép
elastic-fact-user = Felhasználó
elastic-fact-source-ip = Forrás IP-cím
elastic-fact-destination-ip = Cél IP-cím
elastic-fact-event-action = Művelet
elastic-fact-event-outcome = Eredmény
elastic-fact-process = Folyamat
elastic-fact-file = Fájl
elastic-fact-dns-question = DNS-lekérdezés
elastic-fact-threshold-count = Események száma (küszöb)
elastic-fact-space = Kibana-tér

## Illumio
illumio-fact-event-type = Eseménytípus
illumio-fact-status = Állapot
illumio-fact-severity = PCE-súlyosság
illumio-fact-created-by = Kezdeményező
illumio-fact-created-by-user = Felhasználó
illumio-fact-created-by-agent = Ügynök
illumio-fact-created-by-service-account = Szolgáltatásfiók
illumio-fact-created-by-container-cluster = Konténerfürt
illumio-fact-src-ip = Forrás IP-cím
illumio-fact-api-endpoint = API-végpont
illumio-fact-api-method = API-hívás
illumio-fact-resource = Erőforrás
illumio-fact-workload = Munkaterhelés
illumio-fact-pce = PCE
illumio-fact-watcher = Figyelő
illumio-fact-throttle = Korlátozás
illumio-fact-throttle-window = Korlátozási ablak
illumio-value-filtered = a PCE elrejtette
illumio-value-none = nincs
illumio-status-success = sikeres
illumio-status-failure = sikertelen
illumio-actor-system = PCE-rendszer
illumio-check-unknown-event-type = A(z) { $pattern } minta nem ismert PCE-eseménytípus; helyettesítéshez írjon pl. user.* mintát
illumio-check-pattern-matches-nothing = A(z) { $pattern } minta egyetlen ismert PCE-eseménytípusra sem illeszkedik
illumio-check-bad-pattern = A(z) { $pattern } minta érvénytelen
illumio-debug-no-cursor = Illumio: még nincs kurzor
illumio-debug-watermark = Illumio: események beolvasva eddig: { $time }; az átfedéshez megjegyzett friss események: { $tracked }
illumio-debug-suppressed-total = Illumio: korlátozás miatt elnyomott események: { $count }
illumio-debug-suppressed-key = { $key }: { $count } elnyomva
illumio-debug-window = { $key }: { $limit } közül { $emitted } közzétéve, { $suppressed } összevonva, ablak vége: { $until }
illumio-debug-window-muted = { $key }: némítva, { $suppressed } elnyomva, ablak vége: { $until }
illumio-debug-truncated = Illumio: egy milliszekundumon belül 10 000 eseménynél is tele maradt ablakok: { $count }; egyes események hiányozhatnak

## Sophos
sophos-fact-tenant = Bérlő
sophos-fact-category = Kategória
sophos-fact-product = Termék
sophos-fact-type = Riasztás típusa
sophos-fact-endpoint = Végpont
sophos-fact-endpoint-type = Végpont típusa
sophos-fact-endpoint-id = Végpont azonosítója
sophos-fact-person = Felhasználó
sophos-fact-allowed-actions = Engedélyezett műveletek
sophos-risk-high = Magas kockázat
sophos-risk-medium = Közepes kockázat
sophos-risk-low = Alacsony kockázat
sophos-risk-trusted = Megbízható
sophos-risk-unclassified = Besorolatlan
sophos-risk-unknown = Nincs eredmény
sophos-tenant-no-api-host = nincs API-hoszt (függőben lévő vagy próbaverziós bérlő), kihagyva
sophos-tenant-invalid-api-host = az API-hoszt nem Sophos Central hoszt, kihagyva
sophos-tenant-forbidden = hozzáférés megtagadva (403), kihagyva
