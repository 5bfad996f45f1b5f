import { existsSync, mkdirSync } from 'node:fs';
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

/** Full-page screenshot into test-results/e2e/ (gitignored) for a human to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
