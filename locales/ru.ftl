## Common
severity-critical = Критический
severity-high = Высокий
severity-medium = Средний
severity-low = Низкий
severity-info = Информация
