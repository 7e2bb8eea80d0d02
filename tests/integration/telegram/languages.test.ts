/**
 * Languages and what each person sees: approval prompts in each admin's own language (labels that say approve
 * and deny), replies in the sender's Telegram language when supported and in `locale` otherwise, /help limited
 * to what the person may use, /ping explaining a source whose credentials are rejected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { draft } from '../../support/memory.js';
import { ADMIN2_ID, ADMIN_ID, approveUser, greetAdmins, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const labels = (m: { replyMarkup?: { inline_keyboard: { text: string }[][] } } | undefined): string[] => (m?.replyMarkup?.inline_keyboard ?? []).flat().map((b) => b.text);

describe('languages', () => {
  it('a Russian and a Hungarian admin get the prompt in their own language; the outcome edit too', async () => {
    h = await startHarness();
    const { fake } = h;
    const ru = fake.user(ADMIN_ID, 'Админ', { username: 'ru_admin', language_code: 'ru' });
    const hu = fake.user(ADMIN2_ID, 'Ádám', { username: 'hu_admin', language_code: 'hu' });
    fake.message(ru, fake.privateChat(ru), '/start');
    fake.message(hu, fake.privateChat(hu), '/start');
    await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Вы администратор')), 5000, 'ru greeting');
    await fake.waitFor(() => fake.messagesIn(ADMIN2_ID).find((m) => m.visible.includes('adminisztrátora vagy')), 5000, 'hu greeting');

    const stranger = fake.user(5_000_000_001, 'Guest', { language_code: 'en' }); // above 2^32
    fake.message(stranger, fake.privateChat(stranger), '/start');
    const ruPrompt = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Запрос доступа')), 5000, 'ru prompt');
    const huPrompt = await fake.waitFor(() => fake.messagesIn(ADMIN2_ID).find((m) => m.visible.includes('Hozzáférési kérelem')), 5000, 'hu prompt');
    expect(labels(ruPrompt)).toEqual(['✅ Разрешить', '❌ Отклонить', '⛔ Заблокировать']);
    expect(labels(huPrompt)).toEqual(['✅ Jóváhagyás', '❌ Elutasítás', '⛔ Letiltás']);
    expect(ruPrompt.visible).toContain('ID: 5000000001');
    expect(huPrompt.visible).toContain('Azonosító: 5000000001');
    // The requester is answered in their own language.
    await fake.waitFor(() => fake.messagesIn(stranger.id).find((m) => m.visible.includes('Your access request has been sent')));

    const q = fake.press(ru, ADMIN_ID, ruPrompt.messageId, '✅ Разрешить');
    expect((await fake.waitFor(() => fake.answerOf(q))).text).toMatch(/^Готово/);
    await fake.waitFor(() => fake.findMessage(String(ADMIN2_ID), huPrompt.messageId)?.visible.includes('Jóváhagyta: Админ'), 5000, 'hu prompt edited');
    expect(fake.findMessage(String(ADMIN_ID), ruPrompt.messageId)?.visible).toContain('Разрешено: Админ');
    expect(await h.app.telegram.directory.getUser('telegram', '5000000001')).toMatchObject({ id: '5000000001', status: 'approved' });
  });

  it('replies follow the sender\u2019s language when supported, else the configured locale', async () => {
    h = await startHarness({ config: { locale: 'hu' } });
    const { fake } = h;
    const cases: [number, string | undefined, RegExp][] = [
      [700000001, 'de', /A hozzáférési kérelmedet elküldtük/],
      [700000002, undefined, /A hozzáférési kérelmedet elküldtük/],
      [700000003, 'ru', /Ваш запрос доступа отправлен/],
      [700000004, 'en-GB', /Your access request has been sent/],
    ];
    for (const [id, language, expected] of cases) {
      const user = fake.user(id, `U${id}`, language ? { language_code: language } : {});
      fake.message(user, fake.privateChat(user), '/start');
      await fake.waitFor(() => fake.messagesIn(id).find((m) => expected.test(m.visible)), 5000, `reply to ${language ?? 'no language'}`);
    }
  });

  it('/help lists only what the person may use, and /forward only when a forwarder is configured', async () => {
    const none = await startHarness();
    await greetAdmins(none);
    none.fake.message(none.admin, none.fake.privateChat(none.admin), '/help');
    const withoutForwarders = await none.fake.waitFor(() => none.fake.messagesIn(none.admin.id).find((m) => m.visible.startsWith('Commands')));
    expect(withoutForwarders.visible).not.toContain('/forward');
    await none.stop();

    const soar = { id: 'soar', labelKey: 'fwd-soar', forward: () => Promise.resolve({ ref: '1', created: true }) };
    h = await startHarness({ forwarders: [soar] });
    await greetAdmins(h);
    const { fake, admin } = h;
    const analyst = fake.user(321321321, 'Analyst', { language_code: 'en' });
    await approveUser(h, analyst);

    fake.message(admin, fake.privateChat(admin), '/help');
    fake.message(analyst, fake.privateChat(analyst), '/help');
    const adminHelp = await fake.waitFor(() => fake.messagesIn(admin.id).find((m) => m.visible.startsWith('Commands')));
    const analystHelp = await fake.waitFor(() => fake.messagesIn(analyst.id).find((m) => m.visible.startsWith('Commands')));
    for (const command of ['/ping', '/help', '/forward', '/debug', '/users']) expect(adminHelp.visible).toContain(command);
    for (const command of ['/ping', '/help', '/forward']) expect(analystHelp.visible).toContain(command);
    for (const command of ['/debug', '/users']) expect(analystHelp.visible).not.toContain(command);
    expect(analystHelp.visible).toContain('Your role: analyst');
  });

  it('/ping names a source whose credentials are rejected, in the sender\u2019s language', async () => {
    h = await startHarness();
    const { fake } = h;
    const ru = fake.user(ADMIN_ID, 'Админ', { language_code: 'ru' });
    // The scheduler's first poll succeeds on its own; the failures come after it.
    await fake.waitFor(() => h.app.health.snapshot().find((s) => s.source === 'fake' && s.state === 'ok'), 5000, 'first poll');
    await h.app.health.failed('fake', new AppError('auth', 'HTTP 401 from the token endpoint'), 60_000);
    await h.app.health.failed('fake', new AppError('auth', 'HTTP 401 from the token endpoint'), 60_000);
    fake.message(h.admin, fake.privateChat(h.admin), '/ping');
    const en = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Alive')));
    expect(en.visible).toMatch(/❌ fake: failing since .* \(credentials rejected, check the configuration, 2 failed polls\)/);
    // The admins' notice about the failure says what the kind means too.
    const notice = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Source fake is failing')));
    expect(notice.visible).toContain('Source fake is failing (credentials rejected, check the configuration): HTTP 401 from the token endpoint');
    fake.message(ru, fake.privateChat(ru), '/ping');
    const inRussian = await fake.waitFor(() => fake.messagesIn(ADMIN_ID).find((m) => m.visible.includes('Работаю')));
    expect(inRussian.visible).toMatch(/❌ fake: сбой с .* \(учётные данные отклонены, проверьте настройки, неудачных опросов: 2\)/);
  });

  it('someone who switches their app to Russian gets cards in Russian from then on', async () => {
    h = await startHarness();
    await greetAdmins(h);
    const { fake } = h;
    const en = fake.user(654654654, 'Olga', { language_code: 'en' });
    await approveUser(h, en);
    await h.inject(draft('l1', { title: 'First card' }));
    const first = await fake.waitFor(() => fake.messagesIn(en.id).find((m) => m.visible.includes('First card')));
    expect(first.visible).toContain('Severity: High');

    const ru = fake.user(654654654, 'Olga', { language_code: 'ru' });
    fake.message(ru, fake.privateChat(ru), '/help');
    await fake.waitFor(() => fake.messagesIn(en.id).find((m) => m.visible.startsWith('Команды')));
    await h.inject(draft('l2', { title: 'Second card' }));
    const second = await fake.waitFor(() => fake.messagesIn(en.id).find((m) => m.visible.includes('Second card')));
    expect(second.visible).toContain('Уровень опасности: Высокий');
    expect(labels(second)).toContain('✅ Принять в работу');
    // A message without a language (some clients omit it) changes nothing.
    fake.message(fake.user(654654654, 'Olga'), fake.privateChat(ru), '/ping');
    await fake.waitFor(() => fake.messagesIn(en.id).find((m) => m.visible.includes('Alive')));
    expect((await h.app.telegram.directory.getChat('telegram', '654654654'))?.locale).toBe('ru');
  });
});
