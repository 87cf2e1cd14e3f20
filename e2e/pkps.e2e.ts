import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ethers } from 'ethers';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { launchChromium, openWallet, screenshotPath } from './browser.ts';

let sandbox: RunningSandbox;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '7', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-pkp-')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

describe('PKPs in Chromium', () => {
  it('mints a PKP, lists it, and signs a digest that recovers to its address', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'PKPs' }).click();
    await page.getByTestId('mint-pkp').click();
    await expect.poll(() => page.getByTestId('pkp-row').count(), { timeout: 60_000 }).toBe(1);
    const address = (await page.getByTestId('pkp-address').first().getAttribute('data-address'))!;
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);

    // A bad digest gets a message next to the field and nothing is signed.
    await page.getByTestId('digest-input').fill('0x1234');
    await page.getByTestId('sign-digest').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/32 bytes/);
    expect(await page.getByTestId('signature-result').count()).toBe(0);

    const digest = ethers.keccak256(ethers.toUtf8Bytes('litbox e2e'));
    await page.getByTestId('digest-input').fill(digest);
    await page.getByTestId('sign-digest').click();
    await expect.poll(() => page.getByTestId('signature-value').count(), { timeout: 30_000 }).toBe(1);
    const signature = (await page.getByTestId('signature-value').textContent())!;
    expect(ethers.recoverAddress(digest, signature)).toBe(address);
    expect((await page.getByTestId('signature-nodes').textContent())!.split(', ').length).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: screenshotPath('pkps'), fullPage: true });
  });
});
