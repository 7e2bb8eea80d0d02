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

## SOAR
fwd-soar = → SOAR

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
