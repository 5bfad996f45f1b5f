import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, recordDialogs, signInWithKey } from '../helpers/browser';
import { trainedMill } from '../helpers/online-feed';
import { startStation, type TestStation } from '../helpers/station';

// The alarm policy panel of the Models tab in real Chromium against a real
// station with a trained anomaly model (mill-1): the model's calibrated
// values shown as defaults, a bad value refused on the spot, a change saved
// by keyboard with an inline confirmation that lists what changes, the
// station holding the new revision, and a reset to the model's defaults —
// in English and Portuguese, with no serious axe finding.

const ZONE = 'America/Sao_Paulo';
const ASSET = 'mill-1';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe('alarm policy panel (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let modelEnter: number;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    const dir = await trainedMill();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir, dir });
    modelEnter = (await s.request('GET', `/api/v1/ml/policies/${ASSET}`)).body.fields.enter_steps.default as number;
    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE }));
    recordDialogs(page, dialogs);
    await signInWithKey(page, s.url, s.adminKey);
    await page.getByRole('tab', { name: /Models/ }).waitFor();
  }, 240_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
    expect(dialogs.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  async function serious(): Promise<string[]> {
    const { violations } = await new AxeBuilder({ page, axeSource: AXE_SOURCE }).include('[data-testid=alarm-policy]').analyze();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  it('shows the model\'s values as defaults, refuses a bad value, and saves a change by keyboard with a confirmation of what changed', async () => {
    await page.keyboard.press('Alt+3');
    const panel = page.getByTestId('alarm-policy');
    await panel.waitFor();
    expect(await panel.getByRole('heading', { level: 2 }).textContent()).toBe(`Alarm policy of ${ASSET}`);
    await expect.poll(() => panel.getByTestId('policy-state').textContent()).toContain('No policy is set');

    const factor = panel.getByLabel('Threshold factor');
    const enter = panel.getByLabel('Enter delay (readings)');
    expect(await factor.getAttribute('placeholder')).toBe('1');
    expect(await enter.getAttribute('placeholder')).toBe(String(modelEnter));
    expect(await panel.locator('#policy-enter_steps-hint').textContent()).toContain(`Model’s value: ${modelEnter}`);
    expect(await serious()).toEqual([]);

    // Out of range: said under the field, and nothing can be saved.
    await factor.fill('0');
    await expect.poll(() => factor.getAttribute('aria-invalid')).toBe('true');
    expect(await panel.locator('[data-field-error=policy-threshold_factor]').textContent()).toContain('Out of range');
    expect(await panel.getByTestId('policy-save').isDisabled()).toBe(true);

    await factor.fill('2');
    await enter.fill('40');
    expect(await factor.getAttribute('aria-invalid')).toBeNull();
    // Enter in a field asks; the confirmation takes the focus, so Enter again saves.
    await enter.press('Enter');
    const confirm = panel.getByTestId('policy-confirm');
    await confirm.waitFor();
    expect(await confirm.getByTestId('policy-changes').locator('li').allTextContents()).toEqual([
      'Threshold factor: model’s (1) → 2',
      `Enter delay (readings): model’s (${modelEnter}) → 40`,
    ]);
    const save = confirm.getByRole('button', { name: 'Save' });
    await expect.poll(() => save.evaluate((b: any) => b === b.ownerDocument.activeElement)).toBe(true);
    const box = await save.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(await serious()).toEqual([]);
    await page.keyboard.press('Enter');

    const done = panel.getByTestId('policy-done');
    await done.waitFor();
    expect(await done.textContent()).toContain(`The alarm policy of ${ASSET} is saved as revision 1`);
    expect(await done.locator('li').count()).toBe(2);
    await expect.poll(() => factor.getAttribute('data-source')).toBe('policy');
    expect(await panel.getByTestId('policy-state').textContent()).toMatch(/Revision 1, saved .* by /);
    const stored = await s.request('GET', `/api/v1/ml/policies/${ASSET}`);
    expect(stored.body.policy).toMatchObject({ revision: 1, threshold_factor: 2, enter_steps: 40, exit_ratio: null });
    expect(stored.body.fields.exit_ratio.source).toBe('model');
    await screenshot(page, 'alarm-policy-saved');
  });

  it('cancels with Escape, and resets to the model\'s defaults', async () => {
    const panel = page.getByTestId('alarm-policy');
    await panel.getByTestId('policy-reset').click();
    const confirm = panel.getByTestId('policy-confirm');
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.count()).toBe(0);
    expect((await s.request('GET', `/api/v1/ml/policies/${ASSET}`)).body.policy).not.toBeNull();

    await panel.getByTestId('policy-reset').click();
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`Remove the alarm policy of ${ASSET}?`);
    await confirm.getByRole('button', { name: 'Reset' }).click();
    await panel.getByTestId('policy-done').waitFor();
    expect(await panel.getByTestId('policy-done').textContent()).toContain('is removed');
    expect(await panel.getByLabel('Threshold factor').inputValue()).toBe('');
    expect(await panel.getByTestId('policy-reset').isDisabled()).toBe(true);
    const stored = await s.request('GET', `/api/v1/ml/policies/${ASSET}`);
    expect(stored.body.policy).toBeNull();
    expect((await s.request('GET', `/api/v1/ml/policies/${ASSET}/revisions`)).body.revisions.map((r: { change: string }) => r.change)).toEqual(['deleted', 'set']);
  });

  it('speaks Portuguese, with no serious accessibility finding', async () => {
    await page.locator('[data-lang="pt-BR"]').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
    const panel = page.getByTestId('alarm-policy');
    expect(await panel.getByRole('heading', { level: 2 }).textContent()).toBe(`Política de alarme de ${ASSET}`);
    await panel.getByLabel('Fator do limiar').fill('1,5');
    await panel.getByRole('button', { name: 'Salvar política' }).click();
    const confirm = panel.getByTestId('policy-confirm');
    await confirm.waitFor();
    expect(await confirm.getByTestId('policy-changes').textContent()).toBe('Fator do limiar: do modelo (1) → 1,5');
    expect(await serious()).toEqual([]);
    await confirm.getByRole('button', { name: 'Salvar' }).click();
    await panel.getByTestId('policy-done').waitFor();
    expect((await s.request('GET', `/api/v1/ml/policies/${ASSET}`)).body.policy).toMatchObject({ revision: 3, threshold_factor: 1.5 });
    await page.locator('[data-lang="en"]').click();
  });
});
