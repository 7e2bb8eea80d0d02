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

## SOAR
fwd-soar = → SOAR

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

## Approval
approval-prompt-user = 🔔 Запрос доступа от пользователя
approval-prompt-group = 🔔 Запрос доступа для чата
approval-field-name = Имя
approval-field-username = Имя пользователя
approval-field-id = ID
approval-field-language = Язык
approval-language-unknown = не указан
approval-field-added-by = Кто добавил
approval-field-requested = Запрошено
approval-field-expires = Истекает
approval-button-approve = ✅ Разрешить
approval-button-deny = ❌ Отклонить
approval-button-ban = ⛔ Заблокировать
approval-outcome-approved = ✅ Разрешено: { $by }, { $at }
approval-outcome-denied = ❌ Отклонено: { $by }, { $at }
approval-outcome-banned = ⛔ Заблокировано: { $by }, { $at }
approval-outcome-expired = ⌛ Срок запроса истёк { $at }
approval-outcome-pending = ⏳ Ожидает решения
approval-state-pending = ожидает решения
approval-state-approved = разрешено
approval-state-denied = отклонено
approval-state-banned = заблокировано
approval-state-expired = истекло
approval-already = Уже решено ({ $state }): { $by }, { $at }.
approval-expired-alert = Срок этого запроса истёк. Пользователь может снова отправить /start.
approval-decided-toast = Готово: { $state }.
approval-granted-user = ✅ Администратор открыл вам доступ. Инциденты будут приходить сюда; список команд — /help.
approval-granted-group = ✅ Администратор разрешил этот чат. Инциденты будут приходить сюда.
approval-denied-user = Ваш запрос доступа отклонён.
approval-denied-group = Запрос доступа для этого чата отклонён.
approval-expired-requester = Срок вашего запроса доступа истёк без решения. Отправьте /start, чтобы запросить снова.
start-admin = Здравствуйте, { $name }! Вы администратор этого бота. Список команд — /help.
start-approved = Здравствуйте, { $name }! Ваша роль: { $role }. Список команд — /help.
start-requested-user = Ваш запрос доступа отправлен администраторам. Когда кто-то из них примет решение, вы получите сообщение здесь.
start-requested-group = Запрос доступа для этого чата отправлен администраторам бота. Пока его не одобрят, сюда ничего не отправляется.
start-pending-user = Ваш запрос доступа всё ещё ждёт решения администратора.
start-pending-group = Запрос доступа для этого чата всё ещё ждёт решения администратора.
start-denied-user = Ваш запрос доступа отклонён.
start-denied-group = Запрос доступа для этого чата отклонён.
start-chat-approved = Этот чат получает инциденты. Чтобы пользоваться командами, попросите администратора выдать вам роль.
access-none = Это закрытый бот. Отправьте /start, чтобы запросить доступ у администратора.
access-pending = Ваш запрос доступа ждёт решения администратора.
access-denied = Ваш запрос доступа отклонён.
access-group-none = Этот чат не одобрен. Отправьте /start, чтобы запросить доступ у администраторов бота.
access-group-pending = Запрос доступа для этого чата ждёт решения администратора.
access-no-role = У вас нет роли для этой команды. Обратитесь к администратору.
role-viewer = наблюдатель
role-analyst = аналитик
role-admin = администратор

## Commands
cmd-start-description = Приветствие или запрос доступа
cmd-help-description = Доступные вам команды
cmd-ping-description = Бот работает? Состояние источников
cmd-debug-description = Диагностика (для администраторов)
cmd-users-description = Пользователи и чаты: доступ, роли, блокировки
help-title = Команды
help-role = Ваша роль: { $role }
ping-alive = Работаю. Время работы: { $days } д { $hours } ч { $minutes } мин.
ping-source-ok = в порядке
ping-source-failing = сбой с { $since } ({ $kind }, неудачных опросов: { $failures })
ping-source-unknown = ещё не опрашивался
ping-no-sources = Источники не настроены.
debug-title = Диагностика
debug-version = Версия { $version }, хранилище: { $store }
debug-uptime = Работает с { $since } ({ $days } д { $hours } ч { $minutes } мин)
debug-sources = Источники
debug-cursor = курсор
debug-last-success = последний успех
debug-last-error = последняя ошибка
debug-quarantined = отложено в карантин: { $count }
debug-outbox = Очередь отправки: ожидают { $pending }, недоставлено { $dead }
debug-chats = Чаты, получающие инциденты: { $count }
debug-pending = Открытые запросы доступа: { $count }
debug-errors = Последние ошибки: { $count }
users-title = Пользователи и чаты
users-page = (страница { $page } из { $pages })
users-summary = Ожидают: { $pending } · разрешены: { $approved } · отклонены: { $denied } · заблокированы: { $banned }
users-empty = Пока никого нет.
users-config-admin = администратор (файл конфигурации)
users-status-pending = ожидает решения
users-status-approved = разрешён
users-status-denied = отклонён
users-status-banned = заблокирован
users-status-none = нет доступа
users-inactive = неактивен
users-language = Язык: { $language }
users-updated = Последнее изменение: { $by }, { $at }
users-not-found = Пользователь или чат с id { $id } не найден.
users-back = « Назад
users-usage = Использование: /users · /users approve|deny|ban|revoke ID · /users role ID viewer|analyst|admin
users-button-approve = ✅ Разрешить
users-button-deny = ❌ Отклонить
users-button-ban = ⛔ Заблокировать
users-button-revoke = ↩️ Отозвать доступ
users-outcome-ok = Готово.
users-outcome-unchanged = Менять нечего.
users-outcome-not-found = Не найдено или доступ не разрешён.
users-outcome-config-admin = Администраторов из файла конфигурации здесь изменить нельзя.

## Card
card-button-details = 📄 Подробнее
card-button-ack = ✅ Принять в работу
card-button-refresh = 🔄 Обновить
card-severity = Уровень опасности
card-key = Ключ
card-source = Источник
card-status = Статус
card-time = Время
card-updated = Обновлено
card-count = Повторений: { $count }
card-assets-hosts = Узлы
card-assets-ips = IP-адреса
card-assets-users = Пользователи
card-assets-urls = URL
card-assets-hashes = Хеши
card-ack = ✅ Принято в работу: { $by }, { $at }
card-forward-pending = ⏳ { $target }: пересылается…
card-forward-done = 📤 { $target }: переслал { $by }, запись
card-forward-dry-run = 🧪 { $target }: пробный запуск ({ $by }), ничего не отправлено; запись была бы
card-forward-failed = ❌ { $target }: пересылка не удалась: { $error }
card-link = Открыть в источнике
card-events = События ({ $shown } из { $total }):
card-events-more = … ещё { $count }: нажмите «Подробнее».
card-events-all = Все события ({ $total }):
card-more-in-details = Остальное — в «Подробнее».
card-details-caption = Полные сведения об инциденте { $key }
card-acked = Принято в работу.
card-already-acked = Уже принято в работу: { $by }, { $at }.
card-refreshed = Данные обновлены из источника.
card-forwarded-toast = Переслано.
card-forward-dry-run-toast = Пробный запуск: ничего не отправлено.
card-forward-failed-toast = Пересылка не удалась; причина указана в карточке.
card-gone = Этот инцидент больше не хранится.
card-action-failed = Не получилось. Попробуйте позже.
button-invalid = Эта кнопка здесь недействительна.
button-expired = Срок действия кнопки истёк.
button-forbidden = Ваша роль этого не позволяет.
button-stale = Кнопка устарела; сообщение обновлено.
button-working = Выполняется…
digest-title = 📦 Новых инцидентов: { $count }
digest-hint = Собраны в одно сообщение, чтобы не превышать ограничения Telegram.

## Delivery
delivery-chat-inactive = ⚠️ { $destination } больше не принимает сообщения ({ $reason }). Туда больше ничего не отправляется.
delivery-dead-letter = ☠️ Доставить { $key } в { $destination } не удалось окончательно: { $reason }
delivery-degraded = ⚠️ Доставка в { $destination } продолжает сбоить ({ $reason }); попытки продолжаются.

## Errors
error-forbidden = Ваша роль не позволяет выполнить эту команду.
error-command-failed = Не получилось. Подробности администраторы найдут в журнале.

## On-demand
ondemand-button-previous = ◀ Назад
ondemand-button-next = Далее ▶
ondemand-button-export = 📄 Полный список в CSV + JSON
ondemand-export-sent = Отправляю полный список…
ondemand-page = Страница { $page } из { $pages }
ondemand-view-expired = Этот список устарел. Выполните { $command } ещё раз.
ondemand-view-gone = Эта кнопка больше не действует. Выполните { $command } ещё раз.
ondemand-tenant-unknown = Нет тенанта, подходящего под «{ $query }».
ondemand-tenant-ambiguous = Под «{ $query }» подходит несколько тенантов; уточните название или укажите id тенанта.
ondemand-tenant-candidates = Тенанты: { $names }
ondemand-tenant-total = (всего тенантов: { $count })
ondemand-tenant-none = С этими учётными данными нельзя запросить ни одного тенанта.
ondemand-tenant-skipped = Тенант { $tenant } нельзя запросить: { $reason }
ondemand-tenant-failed = { $tenant }: { $reason }
ondemand-error-auth = Sophos отказал в доступе
ondemand-error-rate-limited = Sophos ограничивает частоту запросов, повторите через несколько минут
ondemand-error-unavailable = сейчас недоступен
ondemand-error-invalid-response = неожиданный ответ Sophos
ondemand-error-other = ошибка
ondemand-severity-critical = Критический
ondemand-severity-high = Высокий
ondemand-severity-medium = Средний
ondemand-severity-low = Низкий
ondemand-severity-info = Инфо
ondemand-severity-other = Другой

## Alerts
cmd-alerts-description = Алерты за последние дни (Sophos Central и сохранённые инциденты)
alerts-usage = Использование: /alerts [дни] [тенант] — дни: целое число от { $min } до { $max } (по умолчанию { $default }), например /alerts 7 или /alerts 7 Acme
alerts-title = 🔔 Алерты за { $days ->
    [one] последний { $days } день
    [few] последние { $days } дня
   *[other] последние { $days } дней
}
alerts-scope-all = все тенанты
alerts-scope-tenant = тенант { $tenant }
alerts-period = { $from } – { $to }
alerts-total = Всего: { $count }
alerts-source-label = Сохранённые инциденты · { $source }
alerts-more-groups = … и ещё { $count } (см. полный список)
alerts-quiet = Без алертов ({ $count }): { $names }
alerts-quiet-more = и ещё { $count }
alerts-sophos-failed = Не удалось прочитать Sophos Central: { $reason }
alerts-truncated = { $tenant }: слишком много алертов, показана только первая часть
alerts-invalid = { $count ->
    [one] { $count } некорректный алерт пропущен
    [few] { $count } некорректных алерта пропущено
   *[other] { $count } некорректных алертов пропущено
}
alerts-incidents-failed = Не удалось прочитать сохранённые инциденты.
alerts-none = Нет алертов за { $days ->
    [one] последний { $days } день
    [few] последние { $days } дня
   *[other] последние { $days } дней
}.
alerts-no-tenants = Тенант можно указать, только если настроен Sophos Central.
alerts-export-caption = Алерты за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}: { $count }

## Inventory
cmd-inventory-description = Конечные точки и их состояние (Sophos Central)
inventory-usage = Использование: /inventory [тенант] [фильтр] — фильтр: good | suspicious | bad | unknown, host:ИМЯ, os:ИМЯ или текст из имени хоста или ОС; «all» или * — все тенанты
inventory-title = 💻 Конечные точки
inventory-scope-all = все тенанты
inventory-scope-tenant = тенант { $tenant }
inventory-filter = Фильтр «{ $filter }»: { $count } из { $total }
inventory-total = Конечных точек: { $count }
inventory-health-good = исправны
inventory-health-suspicious = подозрительны
inventory-health-bad = проблемы
inventory-health-unknown = неизвестно
inventory-tamper-summary = Защита от изменений выключена: { $off } · не сообщается: { $unknown }
inventory-tamper-on = защита от изменений вкл.
inventory-tamper-off = защита от изменений ВЫКЛ.
inventory-tamper-unknown = защита от изменений не сообщается
inventory-line = { $tamper } · в сети { $seen } · { $products }
inventory-more-tenants = … и ещё { $count } тенантов (см. полный список)
inventory-truncated = { $tenant }: слишком много конечных точек, показана только первая часть
inventory-invalid = { $count ->
    [one] { $count } некорректная запись пропущена
    [few] { $count } некорректные записи пропущены
   *[other] { $count } некорректных записей пропущено
}
inventory-none = Конечных точек нет.
inventory-none-filtered = Ни одна конечная точка не подходит под фильтр.
inventory-sophos-failed = Не удалось прочитать Sophos Central: { $reason }
inventory-export-caption = Конечные точки: { $count }

## Cleanls
cmd-cleanls-description = Очистка опасных локальных сайтов через Intelix (администраторы)
cleanls-usage = Использование: /cleanls [тенант] [уровень] — уровень: { $levels }; сначала пробный прогон, без подтверждения ничего не удаляется
cleanls-admin-only = Очищать локальные сайты могут только администраторы.
cleanls-title = 🧹 Очистка локальных сайтов
cleanls-dry-run = пробный прогон
cleanls-pick-tenant = Выберите тенант:
cleanls-pick-level = Тенант: { $tenant }. Выберите уровень очистки:
cleanls-all-tenants = все тенанты
cleanls-button-all-tenants = 🌐 Все тенанты
cleanls-button-back = ◀ Назад
cleanls-level-high = HIGH — только высокий риск
cleanls-level-high-medium = HIGH_MEDIUM — высокий и средний риск
cleanls-level-medium = MEDIUM — только средний риск
cleanls-level-low = LOW — только низкий риск
cleanls-level-all = ALL — высокий, средний, низкий и доверенные
cleanls-picked = Пробный прогон для { $tenant } на уровне { $level }: см. ниже.
cleanls-level = Уровень: { $level } (удаляются: { $risks })
cleanls-tenants = Тенанты ({ $count }): { $names }
cleanls-sites = Локальных сайтов: { $count } · разных значений: { $distinct } · запросов к Intelix: { $lookups }
cleanls-tenant-line = сайтов: { $count }, к удалению: { $delete }
cleanls-invalid = { $count ->
    [one] { $count } некорректный локальный сайт пропущен (не удаляется)
    [few] { $count } некорректных локальных сайта пропущено (не удаляются)
   *[other] { $count } некорректных локальных сайтов пропущено (не удаляются)
}
cleanls-would-delete = Будет удалено: { $count ->
    [one] { $count } сайт
    [few] { $count } сайта
   *[other] { $count } сайтов
}
cleanls-nothing = На этом уровне удалять нечего.
cleanls-trusted-note = Доверенные сайты ({ $count }) удаляются только после отдельного подтверждения.
cleanls-never = Неклассифицированные сайты и сайты без ответа Intelix никогда не удаляются.
cleanls-nothing-deleted = Пока ничего не удалено.
cleanls-confirm-within = Подтвердите в течение { $minutes } мин (до { $until }); потом понадобится новый пробный прогон.
cleanls-button-confirm = 🗑 Удалить { $count ->
    [one] { $count } сайт
    [few] { $count } сайта
   *[other] { $count } сайтов
}
cleanls-button-trusted = ⚠️ Также доверенные ({ $count })…
cleanls-button-confirm-trusted = 🗑 Удалить сайты, включая доверенные: { $count }
cleanls-button-cancel = ✖ Отмена
cleanls-trusted-title = Будут удалены и доверенные сайты
cleanls-trusted-warning = Уровень ALL удаляет также { $count } сайтов, которые Intelix считает доверенными (TRUSTED), всего { $total }. Подтверждайте, только если эти записи действительно не нужны:
cleanls-state-running = Удаление уже выполняется.
cleanls-state-done = Уже подтверждено: { $by }, { $at }.
cleanls-state-stale = Локальные сайты изменились после этого пробного прогона. Выполните новый пробный прогон.
cleanls-state-expired = Срок этого пробного прогона истёк. Выполните новый пробный прогон.
cleanls-state-cancelled = Отменено: { $by }, { $at }.
cleanls-cancelled-toast = Отменено; ничего не удалено.
cleanls-changed = Локальные сайты изменились после пробного прогона (новых: { $added }, удалённых: { $removed }, с другим URL или риском: { $changed }). Ничего не удалено.
cleanls-new-dry-run = Выполните /cleanls ещё раз для нового пробного прогона.
cleanls-recheck-failed = Не удалось повторно проверить локальные сайты ({ $reason }). Ничего не удалено; попробуйте ещё раз.
cleanls-done-toast = Удалено: { $count }
cleanls-report-title = 🧹 Очистка локальных сайтов — отчёт об удалении
cleanls-report-line = удалено { $deleted }, ошибок { $failed }, неизвестно { $unknown }
cleanls-report-more = … и ещё { $count } (см. документ)
cleanls-sophos-failed = Не удалось прочитать Sophos Central: { $reason }
cleanls-intelix-failed = Не удалось выполнить запрос к SophosLabs Intelix: { $reason }. Ничего не удалено.
cleanls-tenant-gone = Этот тенант больше недоступен. Выполните /cleanls ещё раз.
cleanls-no-tenants = С этими учётными данными нельзя запросить ни одного тенанта.
cleanls-error-truncated = слишком много локальных сайтов для полной проверки, пропущен

## Health
health-source-failing = 🔴 Источник { $source } не отвечает ({ $kind }): { $error }. Курсор не сдвигается; опрос продолжается с паузами, о восстановлении сообщу.
health-source-recovered = 🟢 Источник { $source } снова работает; всё пропущенное за время сбоя сейчас загружается.

## On-demand limits
ondemand-more-tenants = … и ещё тенантов: { $count } (см. полный список)
alerts-cut = В списке первые { $shown } из { $count } алертов (сначала самые серьёзные); счётчики выше полные.
inventory-cut = В списке первые { $shown } из { $count } конечных точек; сводка выше полная.

## Sophos diagnostics
sophos-debug-tenants = Sophos: без проблем опрошено тенантов: { $ok } из { $total }
sophos-debug-tenant-failing = Тенант Sophos { $name }: ошибка ({ $reason })
sophos-debug-tenant-skipped = Тенант Sophos { $name }: пропущен ({ $reason })

## Delivery recovery
delivery-recovered = ✅ Доставка в { $destination } снова работает; накопившиеся сообщения отправляются по порядку.

## Telegram review
card-resent-note = ↻ Отправлено повторно после сбоя сети: этот инцидент может дублировать сообщение выше.
ping-kind-auth = учётные данные отклонены, проверьте настройки
ping-kind-rate-limited = источник ограничил частоту запросов
ping-kind-unavailable = источник недоступен или отвечает ошибкой
ping-kind-invalid-response = неожиданный ответ источника
ping-kind-not-found = не найдено в источнике
ping-kind-bad-request = источник отклонил запрос
ping-kind-config = ошибка в настройках
ping-kind-store = не удалось прочитать или записать локальное состояние
ping-kind-internal = внутренняя ошибка, подробности в журнале

## Cleanls review
cleanls-unknown-level = Неизвестный уровень очистки «{ $level }».
cleanls-state-interrupted = Удаление по этому пробному прогону прервано перезапуском; часть сайтов уже могла быть удалена (см. журнал аудита). Запустите новый пробный прогон.
