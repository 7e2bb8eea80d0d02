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

## SOAR
fwd-soar = → SOAR

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

## Approval
approval-prompt-user = 🔔 Hozzáférési kérelem egy felhasználótól
approval-prompt-group = 🔔 Hozzáférési kérelem egy csevegéshez
approval-field-name = Név
approval-field-username = Felhasználónév
approval-field-id = Azonosító
approval-field-language = Nyelv
approval-language-unknown = nincs megadva
approval-field-added-by = Hozzáadta
approval-field-requested = Kérelem ideje
approval-field-expires = Lejár
approval-button-approve = ✅ Jóváhagyás
approval-button-deny = ❌ Elutasítás
approval-button-ban = ⛔ Letiltás
approval-outcome-approved = ✅ Jóváhagyta: { $by }, { $at }
approval-outcome-denied = ❌ Elutasította: { $by }, { $at }
approval-outcome-banned = ⛔ Letiltotta: { $by }, { $at }
approval-outcome-expired = ⌛ Lejárt: { $at }
approval-outcome-pending = ⏳ Döntésre vár
approval-state-pending = döntésre vár
approval-state-approved = jóváhagyva
approval-state-denied = elutasítva
approval-state-banned = letiltva
approval-state-expired = lejárt
approval-already = Már eldöntötték ({ $state }): { $by }, { $at }.
approval-expired-alert = Ez a kérelem lejárt. A kérelmező újra elküldheti a /start parancsot.
approval-decided-toast = Kész: { $state }.
approval-granted-user = ✅ Egy adminisztrátor jóváhagyta a hozzáférésedet. Az incidensek ide érkeznek; a parancsokat a /help sorolja fel.
approval-granted-group = ✅ Egy adminisztrátor jóváhagyta ezt a csevegést. Az incidensek ide érkeznek.
approval-denied-user = A hozzáférési kérelmedet elutasították.
approval-denied-group = A csevegés hozzáférési kérelmét elutasították.
approval-expired-requester = A hozzáférési kérelmed döntés nélkül lejárt. Küldd el újra a /start parancsot.
start-admin = Szia, { $name }! Ennek a botnak adminisztrátora vagy. A parancsokat a /help sorolja fel.
start-approved = Szia, { $name }! A szereped: { $role }. A parancsokat a /help sorolja fel.
start-requested-user = A hozzáférési kérelmedet elküldtük az adminisztrátoroknak. Amint valamelyikük dönt, itt üzenetet kapsz.
start-requested-group = A csevegés hozzáférési kérelmét elküldtük a bot adminisztrátorainak. Amíg jóvá nem hagyják, ide semmi sem érkezik.
start-pending-user = A hozzáférési kérelmed még adminisztrátori döntésre vár.
start-pending-group = A csevegés hozzáférési kérelme még adminisztrátori döntésre vár.
start-denied-user = A hozzáférési kérelmedet elutasították.
start-denied-group = A csevegés hozzáférési kérelmét elutasították.
start-chat-approved = Ez a csevegés megkapja az incidenseket. A parancsokhoz kérj saját szerepet egy adminisztrátortól.
access-none = Ez egy zárt bot. Küldd el a /start parancsot, hogy hozzáférést kérj egy adminisztrátortól.
access-pending = A hozzáférési kérelmed adminisztrátori döntésre vár.
access-denied = A hozzáférési kérelmedet elutasították.
access-group-none = Ez a csevegés nincs jóváhagyva. Küldd el a /start parancsot, hogy hozzáférést kérj a bot adminisztrátoraitól.
access-group-pending = A csevegés hozzáférési kérelme adminisztrátori döntésre vár.
access-no-role = Ehhez a parancshoz nincs szereped. Fordulj egy adminisztrátorhoz.
role-viewer = megfigyelő
role-analyst = elemző
role-admin = adminisztrátor

## Commands
cmd-start-description = Üdvözlés vagy hozzáférési kérelem
cmd-help-description = A számodra elérhető parancsok
cmd-ping-description = Él a bot? A források állapota
cmd-debug-description = Diagnosztika (adminisztrátoroknak)
cmd-users-description = Felhasználók és csevegések: jóváhagyás, szerepek, letiltás
help-title = Parancsok
help-role = A szereped: { $role }
ping-alive = Működöm. Üzemidő: { $days } nap { $hours } óra { $minutes } perc.
ping-source-ok = rendben
ping-source-failing = { $since } óta hibás ({ $kind }, sikertelen lekérdezések: { $failures })
ping-source-unknown = még nem volt lekérdezve
ping-no-sources = Nincs beállított forrás.
debug-title = Diagnosztika
debug-version = Verzió: { $version }, tároló: { $store }
debug-uptime = Fut { $since } óta ({ $days } nap { $hours } óra { $minutes } perc)
debug-sources = Források
debug-cursor = kurzor
debug-last-success = utolsó siker
debug-last-error = utolsó hiba
debug-quarantined = karanténba tett elemek: { $count }
debug-outbox = Kimenő sor: { $pending } várakozik, { $dead } kézbesíthetetlen
debug-chats = Incidenseket kapó csevegések: { $count }
debug-pending = Nyitott hozzáférési kérelmek: { $count }
debug-errors = Legutóbbi hibák: { $count }
users-title = Felhasználók és csevegések
users-page = ({ $page }. oldal / { $pages })
users-summary = Várakozik: { $pending } · jóváhagyva: { $approved } · elutasítva: { $denied } · letiltva: { $banned }
users-empty = Még senki.
users-config-admin = adminisztrátor (konfigurációs fájl)
users-status-pending = döntésre vár
users-status-approved = jóváhagyva
users-status-denied = elutasítva
users-status-banned = letiltva
users-status-none = nincs hozzáférése
users-inactive = inaktív
users-language = Nyelv: { $language }
users-updated = Utolsó módosítás: { $by }, { $at }
users-not-found = Nincs { $id } azonosítójú felhasználó vagy csevegés.
users-back = « Vissza
users-usage = Használat: /users · /users approve|deny|ban|revoke AZONOSÍTÓ · /users role AZONOSÍTÓ viewer|analyst|admin
users-button-approve = ✅ Jóváhagyás
users-button-deny = ❌ Elutasítás
users-button-ban = ⛔ Letiltás
users-button-revoke = ↩️ Visszavonás
users-outcome-ok = Kész.
users-outcome-unchanged = Nincs mit módosítani.
users-outcome-not-found = Nem található, vagy nincs jóváhagyva.
users-outcome-config-admin = A konfigurációs fájlban megadott adminisztrátorokat itt nem lehet módosítani.

## Card
card-button-details = 📄 Részletek
card-button-ack = ✅ Nyugtázás
card-button-refresh = 🔄 Frissítés
card-severity = Súlyosság
card-key = Kulcs
card-source = Forrás
card-status = Állapot
card-time = Idő
card-updated = Frissítve
card-count = Előfordulások: { $count }
card-assets-hosts = Gépek
card-assets-ips = IP-címek
card-assets-users = Felhasználók
card-assets-urls = URL-ek
card-assets-hashes = Hashek
card-ack = ✅ Nyugtázta: { $by }, { $at }
card-forward-pending = ⏳ { $target }: továbbítás folyamatban…
card-forward-done = 📤 { $target }: továbbította { $by }, azonosító:
card-forward-dry-run = 🧪 { $target }: próbafuttatás ({ $by }), semmi sem lett elküldve; az azonosító ez lenne:
card-forward-failed = ❌ { $target }: a továbbítás nem sikerült: { $error }
card-link = Megnyitás a forrásban
card-events = Események ({ $shown } / { $total }):
card-events-more = … további { $count }: nyomd meg a Részletek gombot.
card-events-all = Összes esemény ({ $total }):
card-more-in-details = A többi a Részletek alatt.
card-details-caption = { $key } teljes részletei
card-acked = Nyugtázva.
card-already-acked = Már nyugtázta: { $by }, { $at }.
card-refreshed = Frissítve a forrásból.
card-forwarded-toast = Továbbítva.
card-forward-dry-run-toast = Próbafuttatás: semmi sem lett elküldve.
card-forward-failed-toast = A továbbítás nem sikerült; az ok a kártyán olvasható.
card-gone = Ez az incidens már nincs tárolva.
card-action-failed = Ez nem sikerült. Próbáld újra később.
button-invalid = Ez a gomb itt nem érvényes.
button-expired = Ez a gomb lejárt.
button-forbidden = A szereped ezt nem engedi.
button-stale = Ez a gomb elavult; az üzenetet frissítettük.
button-working = Folyamatban…
digest-title = 📦 { $count } új incidens
digest-hint = Egy üzenetbe gyűjtve, hogy beleférjünk a Telegram korlátaiba.

## Delivery
delivery-chat-inactive = ⚠️ { $destination } már nem fogad üzeneteket ({ $reason }). Oda többé semmi sem megy.
delivery-dead-letter = ☠️ { $key } kézbesítése ide: { $destination } véglegesen sikertelen: { $reason }
delivery-degraded = ⚠️ A kézbesítés ide: { $destination } továbbra is hibás ({ $reason }); újrapróbálkozunk.

## Errors
error-forbidden = A szereped nem engedi ezt a parancsot.
error-command-failed = Ez nem sikerült. A részleteket az adminisztrátorok a naplóban találják.

## On-demand
ondemand-button-previous = ◀ Előző
ondemand-button-next = Következő ▶
ondemand-button-export = 📄 Teljes lista CSV + JSON formában
ondemand-export-sent = A teljes lista küldése…
ondemand-page = { $page }. oldal / { $pages }
ondemand-view-expired = Ez a lista lejárt. Futtasd újra: { $command }
ondemand-view-gone = Ez a gomb már nem érvényes. Futtasd újra: { $command }
ondemand-tenant-unknown = Egyetlen tenant sem illik erre: „{ $query }”.
ondemand-tenant-ambiguous = Több tenant is illik erre: „{ $query }”; adj meg pontosabb nevet vagy a tenant azonosítóját.
ondemand-tenant-candidates = Tenantok: { $names }
ondemand-tenant-total = (összesen { $count } tenant)
ondemand-tenant-none = Ezekkel a hitelesítő adatokkal egyetlen tenant sem kérdezhető le.
ondemand-tenant-skipped = A(z) { $tenant } tenant nem kérdezhető le: { $reason }
ondemand-tenant-failed = { $tenant }: { $reason }
ondemand-error-auth = a Sophos megtagadta a hozzáférést
ondemand-error-rate-limited = a Sophos korlátozza a kérések számát, próbáld újra néhány perc múlva
ondemand-error-unavailable = jelenleg nem érhető el
ondemand-error-invalid-response = váratlan válasz a Sophostól
ondemand-error-other = hiba
ondemand-severity-critical = Kritikus
ondemand-severity-high = Magas
ondemand-severity-medium = Közepes
ondemand-severity-low = Alacsony
ondemand-severity-info = Infó
ondemand-severity-other = Egyéb

## Alerts
cmd-alerts-description = Az elmúlt napok riasztásai (Sophos Central és tárolt incidensek)
alerts-usage = Használat: /alerts [napok] [tenant] — a napok száma egész szám { $min } és { $max } között (alapértelmezés: { $default }), pl. /alerts 7 vagy /alerts 7 Acme
alerts-title = 🔔 Az elmúlt { $days ->
    [one] nap
   *[other] { $days } nap
} riasztásai
alerts-scope-all = minden tenant
alerts-scope-tenant = tenant: { $tenant }
alerts-period = { $from } – { $to }
alerts-total = Összesen: { $count }
alerts-source-label = Tárolt incidensek · { $source }
alerts-more-groups = … és még { $count } (lásd a teljes listát)
alerts-quiet = Riasztás nélkül ({ $count }): { $names }
alerts-quiet-more = és még { $count }
alerts-sophos-failed = A Sophos Central nem olvasható: { $reason }
alerts-truncated = { $tenant }: túl sok riasztás, csak az első rész látható
alerts-invalid = { $count } hibás formátumú riasztás kimaradt
alerts-incidents-failed = A tárolt incidensek nem olvashatók.
alerts-none = Nincs riasztás az elmúlt { $days ->
    [one] napban
   *[other] { $days } napban
}.
alerts-no-tenants = Tenantot csak akkor lehet megadni, ha a Sophos Central be van állítva.
alerts-export-caption = Az elmúlt { $days ->
    [one] nap
   *[other] { $days } nap
} riasztásai: { $count }

## Inventory
cmd-inventory-description = Végpontok és állapotuk (Sophos Central)
inventory-usage = Használat: /inventory [tenant] [szűrő] — szűrő: good | suspicious | bad | unknown, host:NÉV, os:NÉV vagy a gépnévben vagy az operációs rendszerben szereplő szöveg; „all” vagy * minden tenanthoz
inventory-title = 💻 Végpontok
inventory-scope-all = minden tenant
inventory-scope-tenant = tenant: { $tenant }
inventory-filter = Szűrő „{ $filter }”: { $count } / { $total }
inventory-total = Végpontok: { $count }
inventory-health-good = rendben
inventory-health-suspicious = gyanús
inventory-health-bad = hibás
inventory-health-unknown = ismeretlen
inventory-tamper-summary = Kikapcsolt illetéktelen módosítás elleni védelem: { $off } · nem jelentett: { $unknown }
inventory-tamper-on = módosításvédelem be
inventory-tamper-off = módosításvédelem KI
inventory-tamper-unknown = módosításvédelem nem jelentett
inventory-line = { $tamper } · utoljára látva { $seen } · { $products }
inventory-more-tenants = … és még { $count } tenant (lásd a teljes listát)
inventory-truncated = { $tenant }: túl sok végpont, csak az első rész látható
inventory-invalid = { $count } hibás formátumú végpont kimaradt
inventory-none = Nincsenek végpontok.
inventory-none-filtered = Egyetlen végpont sem felel meg a szűrőnek.
inventory-sophos-failed = A Sophos Central nem olvasható: { $reason }
inventory-export-caption = Végpontok: { $count }

## Cleanls
cmd-cleanls-description = Kockázatos helyi webhelyek törlése Intelix alapján (adminisztrátorok)
cleanls-usage = Használat: /cleanls [tenant] [szint] — szint: { $levels }; először próbafuttatás, megerősítés nélkül semmi sem törlődik
cleanls-admin-only = Helyi webhelyeket csak adminisztrátorok takaríthatnak.
cleanls-title = 🧹 Helyi webhelyek takarítása
cleanls-dry-run = próbafuttatás
cleanls-pick-tenant = Válaszd ki a tenantot:
cleanls-pick-level = Tenant: { $tenant }. Válaszd ki a takarítási szintet:
cleanls-all-tenants = minden tenant
cleanls-button-all-tenants = 🌐 Minden tenant
cleanls-button-back = ◀ Vissza
cleanls-level-high = HIGH — csak magas kockázat
cleanls-level-high-medium = HIGH_MEDIUM — magas és közepes kockázat
cleanls-level-medium = MEDIUM — csak közepes kockázat
cleanls-level-low = LOW — csak alacsony kockázat
cleanls-level-all = ALL — magas, közepes, alacsony és megbízható
cleanls-picked = Próbafuttatás: { $tenant }, { $level } szint — lásd lent.
cleanls-level = Szint: { $level } (törlendő: { $risks })
cleanls-tenants = Tenantok ({ $count }): { $names }
cleanls-sites = Helyi webhelyek: { $count } · különböző értékek: { $distinct } · Intelix-lekérdezések: { $lookups }
cleanls-tenant-line = { $count } webhely, ebből { $delete } törlendő
cleanls-invalid = { $count } hibás formátumú helyi webhely kimaradt (soha nem törlődik)
cleanls-would-delete = Törlendő: { $count } webhely
cleanls-nothing = Ezen a szinten nincs mit törölni.
cleanls-trusted-note = { $count } megbízható webhely csak külön megerősítés után törlődik.
cleanls-never = A besorolatlan és az Intelix-eredmény nélküli webhelyek soha nem törlődnek.
cleanls-nothing-deleted = Még semmi sem törlődött.
cleanls-confirm-within = Erősítsd meg { $minutes } percen belül ({ $until }-ig); utána új próbafuttatás kell.
cleanls-button-confirm = 🗑 { $count } webhely törlése
cleanls-button-trusted = ⚠️ A megbízhatóak is ({ $count })…
cleanls-button-confirm-trusted = 🗑 { $count } webhely törlése a megbízhatókkal együtt
cleanls-button-cancel = ✖ Mégse
cleanls-trusted-title = A megbízható webhelyek is törlődnének
cleanls-trusted-warning = Az ALL szint azt a(z) { $count } webhelyet is törli, amelyet az Intelix megbízhatónak (TRUSTED) minősít (összesen { $total } webhely). Csak akkor erősítsd meg, ha ezekre a bejegyzésekre tényleg nincs szükség:
cleanls-state-running = A törlés már folyamatban van.
cleanls-state-done = Már megerősítette: { $by }, { $at }.
cleanls-state-stale = A helyi webhelyek megváltoztak a próbafuttatás óta. Futtass új próbafuttatást.
cleanls-state-expired = Ez a próbafuttatás lejárt. Futtass új próbafuttatást.
cleanls-state-cancelled = Visszavonta: { $by }, { $at }.
cleanls-cancelled-toast = Visszavonva; semmi sem törlődött.
cleanls-changed = A helyi webhelyek megváltoztak a próbafuttatás óta ({ $added } új, { $removed } eltávolított, { $changed } más URL-lel vagy kockázattal). Semmi sem törlődött.
cleanls-new-dry-run = Új próbafuttatáshoz futtasd újra a /cleanls parancsot.
cleanls-recheck-failed = A helyi webhelyek újraellenőrzése nem sikerült ({ $reason }). Semmi sem törlődött; próbáld újra.
cleanls-done-toast = Törölve: { $count }
cleanls-report-title = 🧹 Helyi webhelyek takarítása — törlési jelentés
cleanls-report-line = törölve { $deleted }, sikertelen { $failed }, ismeretlen { $unknown }
cleanls-report-more = … és még { $count } (lásd a dokumentumot)
cleanls-sophos-failed = A Sophos Central nem olvasható: { $reason }
cleanls-intelix-failed = A SophosLabs Intelix nem kérdezhető le: { $reason }. Semmi sem törlődött.
cleanls-tenant-gone = Ez a tenant már nem érhető el. Futtasd újra a /cleanls parancsot.
cleanls-no-tenants = Ezekkel a hitelesítő adatokkal egyetlen tenant sem kérdezhető le.
cleanls-error-truncated = túl sok helyi webhely a teljes ellenőrzéshez, kimaradt

## Health
health-source-failing = 🔴 A(z) { $source } forrás hibás ({ $kind }): { $error }. A kurzor nem mozdul; a lekérdezés visszalépéssel folytatódik, a helyreállásról értesítést kap.
health-source-recovered = 🟢 A(z) { $source } forrás helyreállt; a kiesés alatt kimaradtak letöltése most történik.

## On-demand limits
ondemand-more-tenants = … és még { $count } tenant (lásd a teljes listát)
alerts-cut = A lista a(z) { $count } riasztásból az első { $shown } riasztást tartalmazza (a legsúlyosabbak elöl); a fenti számok teljesek.
inventory-cut = A lista a(z) { $count } végpontból az első { $shown } végpontot tartalmazza; a fenti összesítés teljes.

## Sophos diagnostics
sophos-debug-tenants = Sophos: { $total } bérlőből { $ok } lekérdezése hibátlan
sophos-debug-tenant-failing = { $name } Sophos-bérlő: hibás ({ $reason })
sophos-debug-tenant-skipped = { $name } Sophos-bérlő: kihagyva ({ $reason })

## Delivery recovery
delivery-recovered = ✅ A kézbesítés ide: { $destination } ismét működik; a várakozó üzenetek sorrendben mennek ki.

## Telegram review
card-resent-note = ↻ Hálózati hiba után újraküldve: ez az incidens megismételhet egy fenti üzenetet.
ping-kind-auth = a hitelesítő adatokat elutasította, ellenőrizd a beállításokat
ping-kind-rate-limited = a forrás korlátozza a kérések gyakoriságát
ping-kind-unavailable = a forrás nem érhető el vagy hibát ad
ping-kind-invalid-response = váratlan válasz a forrástól
ping-kind-not-found = nem található a forrásban
ping-kind-bad-request = a forrás elutasította a kérést
ping-kind-config = beállítási hiba
ping-kind-store = a helyi állapot nem olvasható vagy nem írható
ping-kind-internal = belső hiba, részletek a naplóban

## Cleanls review
cleanls-unknown-level = Ismeretlen takarítási szint: „{ $level }”.
cleanls-state-interrupted = A próbafuttatáshoz tartozó törlést egy újraindítás megszakította; egyes webhelyek már törlődhettek (lásd az auditnaplót). Futtasson új próbafuttatást.
