import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for the console tests: Debian's `chromium` (`.ci/run` installs it) driven by
 * playwright-core, which downloads no browser of its own. Missing, the tests fail saying so: a
 * browser test that skipped itself would let the consoles break unseen.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** screenshots land here and their paths are printed with the test output */
export const ARTIFACTS_DIR = process.env.TEST_ARTIFACTS_DIR ?? path.join(os.tmpdir(), 'credit-graph-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Saves a full-page PNG under ARTIFACTS_DIR and prints its path; with UPDATE_DOCS_SCREENSHOTS=1
 * also saves its first screenful to docs/ (the README's screenshots).
 */
export async function screenshot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // eslint-disable-next-line no-console
  console.log(`screenshot: ${file}`);
  if (options.docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    // the first screenful only: the README's pictures stay small
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', `${name}.png`) });
  }
  return file;
}
