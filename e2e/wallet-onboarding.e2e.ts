import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CLI_ENTRY, REPO_ROOT, tempDataDir } from '../testing/sandbox/spawn-cli.ts';
import { createApiClient } from '../app/shared/api/client.ts';
import { launchChromium, rowValue, screenshotPath } from './browser.ts';

/** `litbox up` on a new data directory, resolved as soon as it prints the UI address (before the network is up). */
function startUpEarly(
  dataDir: string,
): Promise<{ child: ChildProcess; uiUrl: string; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', CLI_ENTRY, 'up', '--nodes', '5', '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO_ROOT,
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`litbox up printed no address in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /Litbox UI: (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, uiUrl: url, exited });
      }
    });
    child.stderr!.resume();
    child.once('exit', (code) => reject(new Error(`litbox up exited (${code}) early:\n${out}`)));
  });
}

let host: Awaited<ReturnType<typeof startUpEarly>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  host = await startUpEarly(tempDataDir('litbox-e2e-onboarding-'));
});

afterAll(async () => {
  await browser?.close();
  host?.child.kill('SIGTERM');
  expect(await host?.exited).toBe(0);
});

const backgroundOf = (p: Page) => p.evaluate(() => getComputedStyle(document.body).backgroundColor);

describe('the first start, navigation and themes in Chromium', () => {
  it('shows the network starting step by step, then the wallet account it created', async () => {
    page = await browser.newPage();
    await page.goto(host.uiUrl);
    // The page opened before the network was up: some step is still under way.
    const steps = page.getByTestId('startup-steps').locator('li');
    // The steps appear with the first status the page reads (the chain's step is the first of them).
    await page.getByTestId('step-chain').waitFor({ timeout: 30_000 });
    const early = await steps.evaluateAll((items) => items.map((li) => li.getAttribute('data-state')));
    expect(early).toContain('active');
    await page.screenshot({ path: screenshotPath('wallet-onboarding-starting'), fullPage: true });

    await page.getByTestId('open-wallet').waitFor({ timeout: 120_000 });
    // The pools keep filling in the background; each step ends done.
    await expect
      .poll(() => steps.evaluateAll((items) => items.map((li) => li.getAttribute('data-state'))), { timeout: 120_000 })
      .toEqual(Array(6).fill('done'));
    const url = new URL(host.uiUrl);
    const api = createApiClient({ baseUrl: url.origin, token: url.hash.replace('#token=', '') });
    const wallet = await api.call('wallet', {});
    expect(await page.getByTestId('wallet-address').textContent()).toBe(wallet.address);
    // Enter opens the wallet: the button has the focus.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('open-wallet');
    await page.screenshot({ path: screenshotPath('wallet-onboarding-done'), fullPage: true });
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  });

  it('is usable from the keyboard: skip link, side navigation, focus on the new page’s heading', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const nav = page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('button').allTextContents()).toEqual(
      expect.arrayContaining(['Network', 'PKPs', 'Actions', 'Activity', 'Settings']),
    );
    // Tab past the header (the current account, its copy button, the network state) to the side
    // navigation's "PKPs", and press Enter: the PKPs page opens and its heading takes the focus.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Network') break;
    }
    await page.keyboard.press('Tab'); // PKPs
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('PKPs');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('pkps-heading');
    expect(await nav.getByRole('button', { name: 'PKPs' }).getAttribute('aria-current')).toBe('page');
    // Every control on the page has a name a screen reader can read.
    const unnamed = await page.evaluate(
      () =>
        [...document.querySelectorAll('button, input, select, textarea')].filter(
          (el) =>
            !(el as HTMLElement).innerText?.trim() &&
            !el.getAttribute('aria-label') &&
            !(el as HTMLInputElement).labels?.length,
        ).length,
    );
    expect(unnamed).toBe(0);
  });

  it('follows the system theme, and keeps a theme chosen in Settings across a reload', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await backgroundOf(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await backgroundOf(page);
    expect(dark).not.toBe(light);

    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await backgroundOf(page)).toBe(dark);
    const wallet = page.getByTestId('wallet-rows');
    await wallet.waitFor();
    expect(await rowValue(wallet, 'Balance')).toMatch(/ ETH$/);
    await page.screenshot({ path: screenshotPath('wallet-settings-dark'), fullPage: true });

    // A reload keeps the theme (localStorage) and, the wallet being known, skips the welcome.
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 30_000 });
    expect(await backgroundOf(page)).toBe(dark);
    await page.screenshot({ path: screenshotPath('wallet-network-dark'), fullPage: true });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('radio', { name: 'Same as the system' }).check();
    expect(await backgroundOf(page)).toBe(light);
  });
});
