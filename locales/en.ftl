## Common
severity-critical = Critical
severity-high = High
severity-medium = Medium
severity-low = Low
severity-info = Info
