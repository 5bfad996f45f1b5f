import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from './station';

export const CHROMIUM = process.env.SMC_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'e2e');

/** Real Chromium, headless, with nothing phoning home; fails at once when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it (apt-get install -y chromium) or set SMC_CHROMIUM to its path.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The browser tests load out/renderer. A build older than the sources would
 * test yesterday's console and pass or fail for the wrong reason: refuse it
 * (the test setup rebuilds a stale build before any test runs).
 */
export function builtRendererDir(): string {
  const dir = join(ROOT, 'out', 'renderer');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script shared with bin/smc.js
  const { isStale } = require(join(ROOT, 'scripts', 'build-if-stale.js')) as { isStale(root: string): boolean };
  if (isStale(ROOT)) throw new Error(`out/ is missing or older than the sources: run 'npm run build' first.`);
  return dir;
}

export interface PageOptions {
  timezoneId: string;
  locale?: string;
  width?: number;
  acceptDownloads?: boolean;
}

/**
 * A fresh context and page, as an operator's browser would open the console
 * (1366 × 900 unless told otherwise). Every uncaught script error is pushed
 * to `errors`, which the tests check after each case: a page that looked
 * right but threw fails.
 */
export async function openPage(browser: Browser, errors: string[], o: PageOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1366, height: 900 }, timezoneId: o.timezoneId, locale: o.locale ?? 'en-US', acceptDownloads: o.acceptDownloads ?? false });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page };
}

/** Records every dialog the page opens (and dismisses it): the console confirms inline, so a test expects none. */
export function recordDialogs(page: Page, into: string[]): void {
  page.on('dialog', (d) => {
    into.push(d.message());
    void d.dismiss();
  });
}

/** Signs in on the console's sign-in screen with an API key, in the page's language. */
export async function signInWithKey(page: Page, url: string, key: string, lang: 'en' | 'pt-BR' = 'en'): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel(lang === 'pt-BR' ? 'Chave de API' : 'API key').fill(key);
  await page.getByRole('button', { name: lang === 'pt-BR' ? 'Entrar' : 'Sign in' }).click();
}

/** Full-page screenshot into test-results/e2e/ (gitignored) for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A form control whose text Chromium draws cut off, named by its label. */
export interface ClippedControl {
  label: string;
  /** The parts that do not fit: date-time fields (`hour`, `ampm`…) or the select's text width against its box. */
  hidden: string[];
}

interface CdpNode {
  nodeId: number;
  nodeName: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
}

const attrsOf = (n: CdpNode): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < (n.attributes ?? []).length; i += 2) out[n.attributes![i]!] = n.attributes![i + 1]!;
  return out;
};

function* walk(n: CdpNode): Generator<CdpNode> {
  yield n;
  for (const c of n.children ?? []) yield* walk(c);
  for (const c of n.shadowRoots ?? []) yield* walk(c);
}

/**
 * Every rendered `<input type="datetime-local">` whose month, day, year,
 * hour, minute, second or AM/PM field lies outside the box Chromium clips
 * the text to. Those fields live in a user-agent shadow tree that page
 * scripts cannot reach, so this asks the DevTools protocol for their boxes.
 * Returns the inputs it measured, each with its hidden fields (none: it fits).
 */
export async function dateTimeFieldsFit(page: Page): Promise<ClippedControl[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const box = async (n: CdpNode): Promise<[number, number] | null> => {
      try {
        const { model } = (await cdp.send('DOM.getBoxModel', { nodeId: n.nodeId })) as { model: { border: number[] } };
        return [model.border[0]!, model.border[2]!];
      } catch {
        return null; // not rendered (a closed <details>, another tab)
      }
    };
    const out: ClippedControl[] = [];
    for (const input of walk(root)) {
      const a = attrsOf(input);
      if (input.nodeName !== 'INPUT' || a.type !== 'datetime-local') continue;
      const parts = [...walk(input)];
      const edit = parts.find((n) => attrsOf(n).pseudo === '-webkit-datetime-edit');
      const clip = edit ? await box(edit) : null;
      if (!clip) continue;
      const hidden: string[] = [];
      for (const f of parts) {
        const m = /^-webkit-datetime-edit-(\w+)-field$/.exec(attrsOf(f).pseudo ?? '');
        const b = m ? await box(f) : null;
        if (m && b && (b[0] < clip[0] - 0.5 || b[1] > clip[1] + 0.5)) hidden.push(m[1]!);
      }
      const label = await page.evaluate((id) => {
        const g = globalThis as any; // the page's window: this tsconfig has no DOM types
        return id ? (g.document.querySelector(`label[for="${g.CSS.escape(id)}"]`)?.textContent ?? id) : '(no id)';
      }, a.id ?? '');
      out.push({ label, hidden });
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

/**
 * Every rendered `<select>` measured against the width it needs for its
 * longest option (its own intrinsic width: a clone with width auto beside
 * it, same styles); `hidden` names the shortfall when it is narrower.
 */
export async function selectsFit(page: Page): Promise<ClippedControl[]> {
  return page.evaluate(() => {
    const g = globalThis as any; // the page's window: this tsconfig has no DOM types
    return [...g.document.querySelectorAll('select')]
      .filter((s: any) => s.offsetParent !== null)
      .map((s: any) => {
        const clone = s.cloneNode(true);
        clone.style.cssText = 'position:absolute; visibility:hidden; width:auto; min-width:0; max-width:none;';
        s.parentElement.appendChild(clone);
        const need: number = clone.getBoundingClientRect().width;
        clone.remove();
        const has: number = s.getBoundingClientRect().width;
        const label: string = (s.id && g.document.querySelector(`label[for="${g.CSS.escape(s.id)}"]`)?.textContent) || s.getAttribute('aria-label') || s.name || '(select)';
        return { label, hidden: has + 0.5 < need ? [`${Math.round(has)} px of ${Math.round(need)} px`] : [] };
      });
  });
}

/**
 * Pixels of a canvas drawn in about `rgb` (each channel within `tolerance`):
 * a chart's data line was drawn, not just its axes and grid, which have
 * colours of their own.
 */
export function inkOf(canvas: Locator, rgb: readonly [number, number, number], tolerance = 40): Promise<number> {
  return canvas.evaluate(
    (c: any, [target, tol]: [readonly number[], number]) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - target[0]!) <= tol && Math.abs(data[i + 1] - target[1]!) <= tol && Math.abs(data[i + 2] - target[2]!) <= tol) n++;
      }
      return n;
    },
    [rgb, tolerance] as [readonly number[], number],
  );
}
