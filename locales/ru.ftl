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

## IDMEFv2
fwd-idmefv2 = → IDMEFv2

## Forward
cmd-forward-description = Передать инцидент в SOAR или IDMEFv2
forward-target-name = { $target ->
    [soar] IBM SOAR
    [idmefv2] IDMEFv2
   *[other] { $target }
}
forward-usage = Использование: /forward <ключ инцидента> <получатель>, где получатель — одно из: { $targets }
forward-unknown-target = Неизвестный получатель «{ $target }».
forward-not-configured = Передача в { $name } не настроена в этом боте.
forward-unknown-incident = Инцидент с ключом { $key } не найден.
forward-refused = Передавать инциденты могут только аналитики и администраторы.
forward-done = ✅ { $name } принял инцидент { $key }, идентификатор { $ref }.
forward-open = Открыть в { $name }
forward-dry-run = 🧪 Пробный запуск: запрос в { $name } для инцидента { $key } сформирован и записан в журнал, ничего не отправлено.
forward-pending = ⏳ Инцидент { $key } передаётся в { $name }; результат появится в карточке.
forward-failed = ❌ Не удалось передать инцидент { $key } в { $name }: { $error }
forward-no-outcome = результат не записан
forward-retry-hint = Можно повторить той же командой или кнопкой в карточке инцидента.

## Elastic
elastic-status-open = Открыт
elastic-status-acknowledged = Подтверждён
elastic-status-closed = Закрыт
elastic-fact-rule = Правило
elastic-fact-rule-type = Тип правила
elastic-fact-risk-score = Оценка риска
elastic-fact-tactic = Тактика
elastic-fact-technique = Техника
elastic-fact-host = Узел
elastic-fact-user = Пользователь
elastic-fact-source-ip = IP-адрес источника
elastic-fact-destination-ip = IP-адрес назначения
elastic-fact-event-action = Действие
elastic-fact-event-outcome = Результат
elastic-fact-process = Процесс
elastic-fact-file = Файл
elastic-fact-dns-question = DNS-запрос
elastic-fact-threshold-count = Число событий (порог)
elastic-fact-space = Пространство Kibana
