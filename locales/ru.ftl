## Common
severity-critical = Критический
severity-high = Высокий
severity-medium = Средний
severity-low = Низкий
severity-info = Информация

## MaxPatrol
mp-status-new = Новый
mp-status-approved = Утверждён
mp-status-in-progress = В работе
mp-status-resolved = Разрешён
mp-status-closed = Закрыт
mp-fact-category = Категория
mp-fact-type = Тип
mp-fact-assigned = Ответственный
mp-fact-detected = Обнаружен
mp-fact-source = Источник
mp-fact-rules = Правила корреляции
mp-fact-confirmed = Подтверждён
mp-fact-events-total = Всего событий
mp-value-yes = да
mp-value-no = нет
mp-action-confirm = ▶️ Подтвердить
mp-action-close = ⏹ Закрыть
mp-notice-confirmed = Инцидент { $key } подтверждён в MaxPatrol SIEM
mp-notice-closed = Инцидент { $key } закрыт в MaxPatrol SIEM

## SOAR
fwd-soar = → SOAR
