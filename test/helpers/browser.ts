import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The browser tests load out/renderer. A build older than the sources would
 * test yesterday's console and pass or fail for the wrong reason: refuse it.
 */
export function builtRendererDir(): string {
  const dir = join(ROOT, 'out', 'renderer');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run 'npm run build' first.`);
  const built = statSync(index).mtimeMs;
  const source = Math.max(newestMtime(join(ROOT, 'renderer')), newestMtime(join(ROOT, 'preload', 'contract')));
  if (source > built) throw new Error(`out/renderer is older than renderer/ or preload/contract/: run 'npm run build' first.`);
  return dir;
}

/** Full-page screenshot into test-results/e2e/ (gitignored) for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
