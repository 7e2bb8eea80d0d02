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

## Illumio
illumio-fact-event-type = Тип события
illumio-fact-status = Статус
illumio-fact-severity = Важность в PCE
illumio-fact-created-by = Инициатор
illumio-fact-created-by-user = Пользователь
illumio-fact-created-by-agent = Агент
illumio-fact-created-by-service-account = Сервисная учётная запись
illumio-fact-created-by-container-cluster = Контейнерный кластер
illumio-fact-src-ip = IP-адрес источника
illumio-fact-api-endpoint = Адрес API
illumio-fact-api-method = Запрос API
illumio-fact-resource = Объект
illumio-fact-workload = Рабочая нагрузка
illumio-fact-pce = PCE
illumio-fact-watcher = Правило отбора
illumio-fact-throttle = Ограничение частоты
illumio-fact-throttle-window = Окно ограничения
illumio-value-filtered = скрыто PCE
illumio-value-none = нет
illumio-status-success = успешно
illumio-status-failure = ошибка
illumio-actor-system = система PCE
illumio-check-unknown-event-type = Шаблон { $pattern } не совпадает ни с одним известным типом событий PCE; для подстановки пишите, например, user.*
illumio-check-pattern-matches-nothing = Шаблон { $pattern } не подходит ни к одному известному типу событий PCE
illumio-check-bad-pattern = Шаблон { $pattern } некорректен
illumio-debug-no-cursor = Illumio: курсора ещё нет
illumio-debug-watermark = Illumio: события прочитаны до { $time }; недавних событий, запомненных для перекрытия: { $tracked }
illumio-debug-suppressed-total = Illumio: событий, подавленных ограничением частоты: { $count }
illumio-debug-suppressed-key = { $key }: подавлено { $count }
illumio-debug-window = { $key }: опубликовано { $emitted } из { $limit }, свёрнуто { $suppressed }, окно до { $until }
illumio-debug-window-muted = { $key }: заглушено, подавлено { $suppressed }, окно до { $until }
illumio-debug-truncated = Illumio: окон, оставшихся полными при 10 000 событий за миллисекунду: { $count }; часть событий могла быть пропущена

## Sophos
sophos-fact-tenant = Тенант
sophos-fact-category = Категория
sophos-fact-product = Продукт
sophos-fact-type = Тип оповещения
sophos-fact-endpoint = Устройство
sophos-fact-endpoint-type = Тип устройства
sophos-fact-endpoint-id = ID устройства
sophos-fact-person = Пользователь
sophos-fact-allowed-actions = Доступные действия
sophos-risk-high = Высокий риск
sophos-risk-medium = Средний риск
sophos-risk-low = Низкий риск
sophos-risk-trusted = Доверенный
sophos-risk-unclassified = Не классифицирован
sophos-risk-unknown = Нет результата
sophos-tenant-no-api-host = нет API-хоста (тенант ожидает активации или пробный), пропущен
sophos-tenant-invalid-api-host = API-хост не относится к Sophos Central, пропущен
sophos-tenant-forbidden = доступ запрещён (403), пропущен
