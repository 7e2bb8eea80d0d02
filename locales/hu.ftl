## Common
severity-critical = Kritikus
severity-high = Magas
severity-medium = Közepes
severity-low = Alacsony
severity-info = Információ
