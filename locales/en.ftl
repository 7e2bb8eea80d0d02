## Common
severity-critical = Critical
severity-high = High
severity-medium = Medium
severity-low = Low
severity-info = Info

## MaxPatrol
mp-status-new = New
mp-status-approved = Approved
mp-status-in-progress = In progress
mp-status-resolved = Resolved
mp-status-closed = Closed
mp-fact-category = Category
mp-fact-type = Type
mp-fact-assigned = Assignee
mp-fact-detected = Detected
mp-fact-source = Origin
mp-fact-rules = Correlation rules
mp-fact-confirmed = Confirmed
mp-fact-events-total = Events in total
mp-value-yes = yes
mp-value-no = no
mp-action-confirm = ▶️ Confirm
mp-action-close = ⏹ Close
mp-notice-confirmed = Incident { $key } confirmed in MaxPatrol SIEM
mp-notice-closed = Incident { $key } closed in MaxPatrol SIEM

## IDMEFv2
fwd-idmefv2 = → IDMEFv2

## Forward
cmd-forward-description = Forward an incident to SOAR or IDMEFv2
forward-target-name = { $target ->
    [soar] IBM SOAR
    [idmefv2] IDMEFv2
   *[other] { $target }
}
forward-usage = Usage: /forward <incident key> <target>, where the target is one of: { $targets }
forward-unknown-target = Unknown forwarding target "{ $target }".
forward-not-configured = Forwarding to { $name } is not configured on this bot.
forward-unknown-incident = No incident with the key { $key }.
forward-refused = Only analysts and admins may forward incidents.
forward-done = ✅ { $name } accepted incident { $key }, reference { $ref }.
forward-open = Open in { $name }
forward-dry-run = 🧪 Dry run: the { $name } request for incident { $key } was built and logged; nothing was sent.
forward-pending = ⏳ Incident { $key } is being forwarded to { $name }; the card shows the result.
forward-failed = ❌ Forwarding incident { $key } to { $name } failed: { $error }
forward-no-outcome = no result was recorded
forward-retry-hint = You can try again with the same command or the button on the incident card.

## SOAR
fwd-soar = → SOAR

## Illumio
illumio-fact-event-type = Event type
illumio-fact-status = Status
illumio-fact-severity = PCE severity
illumio-fact-created-by = Created by
illumio-fact-created-by-user = User
illumio-fact-created-by-agent = Agent
illumio-fact-created-by-service-account = Service account
illumio-fact-created-by-container-cluster = Container cluster
illumio-fact-src-ip = Source IP
illumio-fact-api-endpoint = API endpoint
illumio-fact-api-method = API call
illumio-fact-resource = Resource
illumio-fact-workload = Workload
illumio-fact-pce = PCE
illumio-fact-watcher = Watcher
illumio-fact-throttle = Throttle
illumio-fact-throttle-window = Throttle window
illumio-value-filtered = filtered by the PCE
illumio-value-none = none
illumio-status-success = success
illumio-status-failure = failure
illumio-actor-system = PCE system
illumio-check-unknown-event-type = Watcher pattern { $pattern } is not a known PCE event type; for a wildcard write e.g. user.*
illumio-check-pattern-matches-nothing = Watcher pattern { $pattern } matches no known PCE event type
illumio-check-bad-pattern = Watcher pattern { $pattern } is not a valid pattern
illumio-debug-no-cursor = Illumio: no cursor yet
illumio-debug-watermark = Illumio: events read up to { $time }; recent events remembered for the overlap: { $tracked }
illumio-debug-suppressed-total = Illumio: events suppressed by throttles: { $count }
illumio-debug-suppressed-key = { $key }: { $count } suppressed
illumio-debug-window = { $key }: { $emitted } of { $limit } posted, { $suppressed } collapsed, window until { $until }
illumio-debug-window-muted = { $key }: muted, { $suppressed } suppressed, window until { $until }
illumio-debug-truncated = Illumio: windows still full at 10 000 events in one millisecond: { $count }; some events may be missing

## Elastic
elastic-status-open = Open
elastic-status-acknowledged = Acknowledged
elastic-status-closed = Closed
elastic-fact-rule = Rule
elastic-fact-rule-type = Rule type
elastic-fact-risk-score = Risk score
elastic-fact-tactic = Tactic
elastic-fact-technique = Technique
elastic-fact-host = Host
elastic-fact-user = User
elastic-fact-source-ip = Source IP
elastic-fact-destination-ip = Destination IP
elastic-fact-event-action = Action
elastic-fact-event-outcome = Outcome
elastic-fact-process = Process
elastic-fact-file = File
elastic-fact-dns-question = DNS query
elastic-fact-threshold-count = Events counted (threshold)
elastic-fact-space = Kibana space

## Sophos
sophos-fact-tenant = Tenant
sophos-fact-category = Category
sophos-fact-product = Product
sophos-fact-type = Alert type
sophos-fact-endpoint = Endpoint
sophos-fact-endpoint-type = Endpoint type
sophos-fact-endpoint-id = Endpoint ID
sophos-fact-person = User
sophos-fact-allowed-actions = Allowed actions
sophos-risk-high = High risk
sophos-risk-medium = Medium risk
sophos-risk-low = Low risk
sophos-risk-trusted = Trusted
sophos-risk-unclassified = Unclassified
sophos-risk-unknown = No result
sophos-tenant-no-api-host = no API host (pending or trial tenant), skipped
sophos-tenant-invalid-api-host = API host is not a Sophos Central host, skipped
sophos-tenant-forbidden = access denied (403), skipped

## Approval
approval-prompt-user = 🔔 Access request from a person
approval-prompt-group = 🔔 Access request for a chat
approval-field-name = Name
approval-field-username = Username
approval-field-id = ID
approval-field-language = Language
approval-language-unknown = not given
approval-field-added-by = Added by
approval-field-requested = Requested
approval-field-expires = Expires
approval-button-approve = ✅ Approve
approval-button-deny = ❌ Deny
approval-button-ban = ⛔ Ban
approval-outcome-approved = ✅ Approved by { $by } at { $at }
approval-outcome-denied = ❌ Denied by { $by } at { $at }
approval-outcome-banned = ⛔ Banned by { $by } at { $at }
approval-outcome-expired = ⌛ Expired at { $at }
approval-outcome-pending = ⏳ Waiting for a decision
approval-state-pending = pending
approval-state-approved = approved
approval-state-denied = denied
approval-state-banned = banned
approval-state-expired = expired
approval-already = Already { $state } by { $by } at { $at }.
approval-expired-alert = This request has expired. The requester can send /start again.
approval-decided-toast = Done: { $state }.
approval-granted-user = ✅ An administrator approved your access. Incidents will be posted here; /help lists your commands.
approval-granted-group = ✅ An administrator approved this chat. Incidents will be posted here.
approval-denied-user = Your access request was declined.
approval-denied-group = The access request for this chat was declined.
approval-expired-requester = Your access request expired without a decision. Send /start to ask again.
start-admin = Hello, { $name }! You are an administrator of this bot. /help lists the commands.
start-approved = Hello, { $name }! Your role: { $role }. /help lists the commands.
start-requested-user = Your access request has been sent to the administrators. You will get a message here once one of them decides.
start-requested-group = An access request for this chat has been sent to the bot's administrators. Nothing is posted here until one of them approves it.
start-pending-user = Your access request is still waiting for an administrator.
start-pending-group = The access request for this chat is still waiting for an administrator.
start-denied-user = Your access request was declined.
start-denied-group = The access request for this chat was declined.
start-chat-approved = This chat receives incidents. Ask an administrator for a personal role to use commands.
access-none = This bot is private. Send /start to ask an administrator for access.
access-pending = Your access request is waiting for an administrator.
access-denied = Your access request was declined.
access-group-none = This chat is not approved. Send /start to ask the bot's administrators for access.
access-group-pending = This chat's access request is waiting for an administrator.
access-no-role = You have no role for this command. Ask an administrator.
role-viewer = viewer
role-analyst = analyst
role-admin = administrator

## Commands
cmd-start-description = Greeting or access request
cmd-help-description = Commands you may use
cmd-ping-description = Is the bot alive? Health of the sources
cmd-debug-description = Diagnostics (administrators)
cmd-users-description = Users and chats: approvals, roles, bans
help-title = Commands
help-role = Your role: { $role }
ping-alive = Alive. Uptime: { $days } d { $hours } h { $minutes } min.
ping-source-ok = OK
ping-source-failing = failing since { $since } ({ $kind }, { $failures ->
    [one] { $failures } failed poll
   *[other] { $failures } failed polls
    })
ping-source-unknown = not polled yet
ping-no-sources = No sources are configured.
debug-title = Diagnostics
debug-version = Version { $version }, store: { $store }
debug-uptime = Running since { $since } ({ $days } d { $hours } h { $minutes } min)
debug-sources = Sources
debug-cursor = cursor
debug-last-success = last success
debug-last-error = last error
debug-quarantined = quarantined items: { $count }
debug-outbox = Outbox: { $pending } pending, { $dead } dead letters
debug-chats = Chats receiving incidents: { $count }
debug-pending = Open access requests: { $count }
debug-errors = Recent errors: { $count }
users-title = Users and chats
users-page = (page { $page } of { $pages })
users-summary = Pending: { $pending } · approved: { $approved } · denied: { $denied } · banned: { $banned }
users-empty = Nobody yet.
users-config-admin = administrator (config file)
users-status-pending = pending
users-status-approved = approved
users-status-denied = denied
users-status-banned = banned
users-status-none = no access
users-inactive = inactive
users-language = Language: { $language }
users-updated = Last change by { $by } at { $at }
users-not-found = No user or chat with id { $id }.
users-back = « Back
users-usage = Usage: /users · /users approve|deny|ban|revoke ID · /users role ID viewer|analyst|admin
users-button-approve = ✅ Approve
users-button-deny = ❌ Deny
users-button-ban = ⛔ Ban
users-button-revoke = ↩️ Revoke
users-outcome-ok = Done.
users-outcome-unchanged = Nothing to change.
users-outcome-not-found = Not found, or not approved.
users-outcome-config-admin = Administrators from the config file cannot be changed here.

## Card
card-button-details = 📄 Details
card-button-ack = ✅ Acknowledge
card-button-refresh = 🔄 Refresh
card-severity = Severity
card-key = Key
card-source = Source
card-status = Status
card-time = Time
card-updated = Updated
card-count = Occurrences: { $count }
card-assets-hosts = Hosts
card-assets-ips = IP addresses
card-assets-users = Users
card-assets-urls = URLs
card-assets-hashes = Hashes
card-ack = ✅ Acknowledged by { $by } at { $at }
card-forward-pending = ⏳ { $target }: forwarding…
card-forward-done = 📤 { $target }: forwarded by { $by } as
card-forward-dry-run = 🧪 { $target }: dry run by { $by }, nothing sent; it would be
card-forward-failed = ❌ { $target }: forwarding failed: { $error }
card-link = Open in the source
card-events = Events ({ $shown } of { $total }):
card-events-more = … { $count } more: press Details.
card-events-all = All events ({ $total }):
card-more-in-details = More under Details.
card-details-caption = Full details of { $key }
card-acked = Acknowledged.
card-already-acked = Already acknowledged by { $by } at { $at }.
card-refreshed = Refreshed from the source.
card-forwarded-toast = Forwarded.
card-forward-dry-run-toast = Dry run: nothing was sent.
card-forward-failed-toast = Forwarding failed; the card says why.
card-gone = This incident is no longer stored.
card-action-failed = That did not work. Please try again later.
button-invalid = This button is not valid here.
button-expired = This button has expired.
button-forbidden = Your role does not allow this.
button-stale = This button is out of date; the message has been refreshed.
button-working = Working on it…
digest-title = 📦 { $count } new incidents
digest-hint = Grouped into one message to stay within Telegram's limits.

## Delivery
delivery-chat-inactive = ⚠️ { $destination } no longer accepts messages ({ $reason }). Nothing more is sent there.
delivery-dead-letter = ☠️ Delivery of { $key } to { $destination } failed for good: { $reason }
delivery-degraded = ⚠️ Deliveries to { $destination } keep failing ({ $reason }); still retrying.

## Errors
error-forbidden = Your role does not allow this command.
error-command-failed = Sorry, that did not work. The administrators will find the details in the log.

## On-demand
ondemand-button-previous = ◀ Previous
ondemand-button-next = Next ▶
ondemand-button-export = 📄 Full list as CSV + JSON
ondemand-export-sent = Sending the full list…
ondemand-page = Page { $page } of { $pages }
ondemand-view-expired = This list has expired. Run { $command } again.
ondemand-view-gone = This button is no longer valid. Run { $command } again.
ondemand-tenant-unknown = No tenant matches “{ $query }”.
ondemand-tenant-ambiguous = More than one tenant matches “{ $query }”; please be more specific or use the tenant id.
ondemand-tenant-candidates = Tenants: { $names }
ondemand-tenant-total = ({ $count } tenants in all)
ondemand-tenant-none = No tenant can be queried with these credentials.
ondemand-tenant-skipped = Tenant { $tenant } cannot be queried: { $reason }
ondemand-tenant-failed = { $tenant }: { $reason }
ondemand-error-auth = access refused by Sophos
ondemand-error-rate-limited = Sophos is throttling requests, try again in a few minutes
ondemand-error-unavailable = not reachable right now
ondemand-error-invalid-response = unexpected answer from Sophos
ondemand-error-other = failed
ondemand-severity-critical = Critical
ondemand-severity-high = High
ondemand-severity-medium = Medium
ondemand-severity-low = Low
ondemand-severity-info = Info
ondemand-severity-other = Other

## Alerts
cmd-alerts-description = Alerts of the last days (Sophos Central and stored incidents)
alerts-usage = Usage: /alerts [days] [tenant] — days is a whole number from { $min } to { $max } (default { $default }), e.g. /alerts 7 or /alerts 7 Acme
alerts-title = 🔔 Alerts of the last { $days ->
    [one] day
   *[other] { $days } days
}
alerts-scope-all = all tenants
alerts-scope-tenant = tenant { $tenant }
alerts-period = { $from } – { $to }
alerts-total = Total: { $count }
alerts-source-label = Stored incidents · { $source }
alerts-more-groups = … and { $count } more (see the full list)
alerts-quiet = No alerts ({ $count }): { $names }
alerts-quiet-more = and { $count } more
alerts-sophos-failed = Sophos Central could not be read: { $reason }
alerts-truncated = { $tenant }: too many alerts, only the first part is listed
alerts-invalid = { $count ->
    [one] 1 malformed alert was left out
   *[other] { $count } malformed alerts were left out
}
alerts-incidents-failed = The stored incidents could not be read.
alerts-none = No alerts in the last { $days ->
    [one] day
   *[other] { $days } days
}.
alerts-no-tenants = A tenant can only be named when Sophos Central is configured.
alerts-export-caption = Alerts of the last { $days ->
    [one] day
   *[other] { $days } days
}: { $count }

## Inventory
cmd-inventory-description = Endpoints and their health (Sophos Central)
inventory-usage = Usage: /inventory [tenant] [filter] — filter: good | suspicious | bad | unknown, host:NAME, os:NAME or text found in the hostname or OS; “all” or * for every tenant
inventory-title = 💻 Endpoints
inventory-scope-all = all tenants
inventory-scope-tenant = tenant { $tenant }
inventory-filter = Filter “{ $filter }”: { $count } of { $total }
inventory-total = Endpoints: { $count }
inventory-health-good = good
inventory-health-suspicious = suspicious
inventory-health-bad = bad
inventory-health-unknown = unknown
inventory-tamper-summary = Tamper protection off: { $off } · not reported: { $unknown }
inventory-tamper-on = tamper protection on
inventory-tamper-off = tamper protection OFF
inventory-tamper-unknown = tamper protection not reported
inventory-line = { $tamper } · last seen { $seen } · { $products }
inventory-more-tenants = … and { $count } more tenants (see the full list)
inventory-truncated = { $tenant }: too many endpoints, only the first part is listed
inventory-invalid = { $count ->
    [one] 1 malformed endpoint was left out
   *[other] { $count } malformed endpoints were left out
}
inventory-none = No endpoints.
inventory-none-filtered = No endpoint matches the filter.
inventory-sophos-failed = Sophos Central could not be read: { $reason }
inventory-export-caption = Endpoints: { $count }

## Cleanls
cmd-cleanls-description = Clean up risky local sites with Intelix (administrators)
cleanls-usage = Usage: /cleanls [tenant] [level] — level: { $levels }; a dry run comes first, nothing is deleted without confirmation
cleanls-admin-only = Only administrators may clean up local sites.
cleanls-title = 🧹 Local-site clean-up
cleanls-dry-run = dry run
cleanls-pick-tenant = Choose the tenant:
cleanls-pick-level = Tenant: { $tenant }. Choose the clean level:
cleanls-all-tenants = all tenants
cleanls-button-all-tenants = 🌐 All tenants
cleanls-button-back = ◀ Back
cleanls-level-high = HIGH — high risk only
cleanls-level-high-medium = HIGH_MEDIUM — high and medium risk
cleanls-level-medium = MEDIUM — medium risk only
cleanls-level-low = LOW — low risk only
cleanls-level-all = ALL — high, medium, low and trusted
cleanls-picked = Dry run for { $tenant } at level { $level }: see below.
cleanls-level = Level: { $level } (deletes: { $risks })
cleanls-tenants = Tenants ({ $count }): { $names }
cleanls-sites = Local sites: { $count } · distinct values: { $distinct } · Intelix lookups: { $lookups }
cleanls-tenant-line = { $count } sites, { $delete } to delete
cleanls-invalid = { $count ->
    [one] 1 malformed local site was left out (never deleted)
   *[other] { $count } malformed local sites were left out (never deleted)
}
cleanls-would-delete = Would delete: { $count ->
    [one] 1 site
   *[other] { $count } sites
}
cleanls-nothing = Nothing to delete at this level.
cleanls-trusted-note = { $count ->
    [one] 1 trusted site
   *[other] { $count } trusted sites
} would be deleted only after a separate confirmation.
cleanls-never = Unclassified sites and sites without an Intelix result are never deleted.
cleanls-nothing-deleted = Nothing has been deleted yet.
cleanls-confirm-within = Confirm within { $minutes } min (until { $until }); after that a new dry run is needed.
cleanls-button-confirm = 🗑 Delete { $count ->
    [one] 1 site
   *[other] { $count } sites
}
cleanls-button-trusted = ⚠️ Also trusted sites ({ $count })…
cleanls-button-confirm-trusted = 🗑 Delete { $count } sites including trusted
cleanls-button-cancel = ✖ Cancel
cleanls-trusted-title = Trusted sites would be deleted too
cleanls-trusted-warning = Level ALL also deletes the { $count } sites Intelix rates as TRUSTED ({ $total } sites in all). Only confirm if these entries are really no longer needed:
cleanls-state-running = The deletion is already running.
cleanls-state-done = Already confirmed by { $by } at { $at }.
cleanls-state-stale = The local sites changed since this dry run. Run a new dry run.
cleanls-state-expired = This dry run has expired. Run a new dry run.
cleanls-state-cancelled = Cancelled by { $by } at { $at }.
cleanls-cancelled-toast = Cancelled; nothing was deleted.
cleanls-changed = The local sites changed since the dry run ({ $added } new, { $removed } removed, { $changed } with another URL or risk). Nothing was deleted.
cleanls-new-dry-run = Run /cleanls again for a new dry run.
cleanls-recheck-failed = The local sites could not be checked again ({ $reason }). Nothing was deleted; try again.
cleanls-done-toast = Deleted: { $count }
cleanls-report-title = 🧹 Local-site clean-up — deletion report
cleanls-report-line = deleted { $deleted }, failed { $failed }, unknown { $unknown }
cleanls-report-more = … and { $count } more (see the document)
cleanls-sophos-failed = Sophos Central could not be read: { $reason }
cleanls-intelix-failed = SophosLabs Intelix could not be queried: { $reason }. Nothing was deleted.
cleanls-tenant-gone = That tenant is no longer available. Run /cleanls again.
cleanls-no-tenants = No tenant can be queried with these credentials.
cleanls-error-truncated = too many local sites to check completely, left out

## Health
health-source-failing = 🔴 Source { $source } is failing ({ $kind }): { $error }. Its cursor stays put; polling continues with backoff and you will hear when it recovers.
health-source-recovered = 🟢 Source { $source } has recovered; anything missed while it was down is being fetched now.

## On-demand limits
ondemand-more-tenants = … and { $count } more tenants (see the full list)
alerts-cut = The list holds the first { $shown } of { $count } alerts (most severe first); the counts above are complete.
inventory-cut = The list holds the first { $shown } of { $count } endpoints; the summary above is complete.

## Sophos diagnostics
sophos-debug-tenants = Sophos: { $ok } of { $total } tenants polled without problems
sophos-debug-tenant-failing = Sophos tenant { $name }: failing ({ $reason })
sophos-debug-tenant-skipped = Sophos tenant { $name }: skipped ({ $reason })

## Delivery recovery
delivery-recovered = ✅ Deliveries to { $destination } work again; the backlog is being sent in order.

## Telegram review
card-resent-note = ↻ Sent again after a network failure: this incident may repeat a message above.
ping-kind-auth = credentials rejected, check the configuration
ping-kind-rate-limited = rate limited by the source
ping-kind-unavailable = source unreachable or erroring
ping-kind-invalid-response = unexpected answer from the source
ping-kind-not-found = not found at the source
ping-kind-bad-request = request refused by the source
ping-kind-config = configuration problem
ping-kind-store = local state could not be read or written
ping-kind-internal = internal error, see the log

## Cleanls review
cleanls-unknown-level = Unknown clean level “{ $level }”.
cleanls-state-interrupted = The deletion for this dry run was cut off by a restart; some sites may already be gone (see the audit log). Run a new dry run.
