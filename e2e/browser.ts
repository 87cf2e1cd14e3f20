import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.LITBOX_CHROMIUM ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; run \`apt-get install chromium\` (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

/**
 * Opens the wallet UI and goes past the welcome screen a new wallet shows (the network's
 * start-up, then the wallet account), to the app with its side navigation.
 */
export async function openWallet(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const open = page.getByTestId('open-wallet');
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await open.or(nav).first().waitFor({ timeout: 60_000 });
  if (await open.isVisible()) await open.click();
  await nav.waitFor({ timeout: 30_000 });
}

/** The message shown next to a form control, found the way a screen reader finds it (aria-describedby). */
export async function fieldError(control: Locator): Promise<string | null> {
  if ((await control.getAttribute('aria-invalid')) !== 'true') return null;
  const ids = (await control.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const id = ids.find((i) => i.endsWith('-error'));
  return id ? control.page().locator(`[id="${id}"]`).textContent() : null;
}

/** The value of a label/value row (confirmation screens, receipts). */
export function rowValue(scope: Locator, label: string): Promise<string | null> {
  return scope.locator(`[data-testid="row"][data-label="${label}"] dd`).textContent();
}

/** Mints a PKP from the PKPs page and opens its page; returns its address and public key. */
export async function mintAndOpenPkp(page: Page): Promise<{ address: string; publicKey: string }> {
  await page.getByRole('button', { name: 'PKPs', exact: true }).click();
  const mint = page.getByTestId('mint-pkp');
  await mint.click();
  // The page selects the PKP it minted once the mint is done (the button is enabled again).
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="mint-pkp"]')?.hasAttribute('disabled'),
    null,
    {
      timeout: 60_000,
    },
  );
  const failure = page.locator('[role="alert"]');
  if (await failure.count()) throw new Error(`minting failed: ${await failure.first().textContent()}`);
  const publicKey = await page.getByTestId('sign-pkp').inputValue();
  const address = ethers.computeAddress(publicKey);
  await page.getByRole('button', { name: `Open ${address}` }).click();
  await page.getByTestId('pkp-facts').waitFor({ timeout: 30_000 });
  return { address, publicKey };
}

/** Opens a tab of the current PKP's page (Overview, Send, Sign message…). */
export async function pkpTab(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'This PKP' }).getByRole('button', { name, exact: true }).click();
}
