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
