import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, signInWithKey } from '../helpers/browser';
import { reading, startStation, type TestStation } from '../helpers/station';

// The station's field errors in a Portuguese console: said in Portuguese
// from the issue's code and values, in an operator's words, with the
// technical text (seconds of clock skew, the rule a sensor id breaks)
// folded away behind "Detalhes técnicos" — never English on the screen.

const ZONE = 'America/Sao_Paulo';
/** English words of the station's messages and details; none may be on a Portuguese screen. */
const ENGLISH = /\b(must|missing|future|clock|skew|accepted|seconds?|letters|digits|start with|sensor_id|timestamp|is not|the)\b/i;

describe('operator-language errors in Portuguese (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  /** The text an operator sees (closed disclosures are not rendered, so their contents are not in it). */
  const seen = (l: Locator) => l.evaluate((el: any) => el.innerText as string);

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    const res = await s.request('POST', '/api/v1/data/ingest', { body: [reading('bomba-1.temp', Date.now() - 60_000, 40, { sensor_type: 'temperature', unit: 'C', asset_id: 'bomba-1' })] });
    expect(res.status, res.text).toBe(200);
    // A Brazilian browser: the console opens in Portuguese by itself.
    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, locale: 'pt-BR' }));
    await signInWithKey(page, s.url, s.adminKey, 'pt-BR');
    await page.getByRole('tab', { name: /Entrada de dados/ }).click();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  async function fieldError(form: Locator, label: string): Promise<Locator> {
    const input = form.getByLabel(label, { exact: true });
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await input.getAttribute('aria-describedby'))!.split(' ')[0]!;
    return page.locator(`[id="${errorId}"]`);
  }

  it('says a time weeks in the future in Portuguese, with the clock-skew rule only behind the technical details', async () => {
    const form = page.getByTestId('manual-form');
    await form.getByLabel('ID do sensor', { exact: true }).fill('bomba-1.temp');
    await form.getByLabel('Valor', { exact: true }).fill('41,5');
    // 40 days ahead, typed as the operator's wall time.
    const ahead = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .format(Date.now() + 40 * 86_400_000)
      .replace(' ', 'T');
    await form.getByLabel('Horário', { exact: true }).fill(ahead);
    await form.getByRole('button', { name: 'Registrar leitura' }).click();

    const error = await fieldError(form, 'Horário');
    expect(await seen(error)).toBe('O horário está 40 dias no futuro. Verifique o relógio do dispositivo que o enviou: no máximo 5 minutos à frente é aceito.\nDetalhes técnicos');
    const card = page.locator('section[aria-labelledby=manual-title]');
    expect(await seen(card)).not.toMatch(ENGLISH);
    expect(await seen(page.getByTestId('manual-field-errors'))).toBe('Nada foi registrado. Corrija os campos marcados e tente de novo.');
    await screenshot(page, '21-pt-future-time');

    // The technical text is there for whoever needs it, in the station's words.
    const details = error.getByTestId('technical-details');
    await details.locator('summary').click();
    expect(await seen(details)).toMatch(/is \d+ s in the future; at most 300 s of clock skew is accepted$/);
    expect(await details.locator('p').getAttribute('lang')).toBe('en');
    expect((await s.request('GET', '/api/v1/sensors/bomba-1.temp')).body.reading_count).toBe(1);
  });

  it('says a sensor ID with a space and a "!" in Portuguese, not as the rule a developer would write', async () => {
    const form = page.getByTestId('manual-form');
    await form.getByRole('button', { name: 'Agora' }).click();
    await form.getByLabel('ID do sensor', { exact: true }).fill('bomba 1!');
    await form.getByRole('button', { name: 'Registrar leitura' }).click();

    const error = await fieldError(form, 'ID do sensor');
    const text = await seen(error);
    expect(text).toBe('O campo ID do sensor só aceita letras, algarismos e . _ : - (até 128 caracteres), começando por letra ou algarismo.\nDetalhes técnicos');
    expect(text).not.toMatch(ENGLISH);
    expect(await seen(page.locator('section[aria-labelledby=manual-title]'))).not.toMatch(ENGLISH);
    expect(await form.getByLabel('Horário', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, '22-pt-bad-sensor-id');

    // Switching to English re-says the same issue in English, from its code.
    await page.locator('[data-lang="en"]').click();
    await expect
      .poll(() => seen(error))
      .toBe('Sensor ID may only use letters, digits and . _ : - (up to 128 characters), starting with a letter or digit.\nTechnical details');
    await page.locator('[data-lang="pt-BR"]').click();
  });

  it('says the rejected lines of an import in Portuguese too', async () => {
    const form = page.getByTestId('import-form');
    await form.getByLabel('ID do sensor', { exact: true }).fill('bomba-1.temp');
    const csv = 'timestamp,value\n2024-05-02 00:00:00,1\nontem,2\n2024-05-02 00:02:00,abc\n2024-05-02 00:03:00,4,5\n';
    await form.locator('input[type=file]').setInputFiles({ name: 'linhas.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await form.getByRole('button', { name: 'Importar arquivo' }).click();
    const issues = page.getByTestId('import-issues');
    await expect.poll(() => issues.locator('li').count()).toBe(3);
    expect((await seen(issues)).split('\n').filter((l) => l !== 'Detalhes técnicos')).toEqual([
      'Linha 3 · Horário: O horário não é uma data e hora com fuso horário (ex.: 2024-05-01T12:00:00Z).',
      'Linha 4 · Valor: O campo Valor deve ser um número.',
      'Linha 5: Não foi possível ler esta linha.',
    ]);
    expect(await seen(issues)).not.toMatch(ENGLISH);
  });
});
