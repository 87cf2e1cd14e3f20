import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ethers } from 'ethers';
import { primeDigest } from '../app/shared/actions/sign-if-prime.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { launchChromium, openWallet, screenshotPath } from './browser.ts';

let sandbox: RunningSandbox;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '7', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-actions-')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

describe('Lit Actions in Chromium', () => {
  it('runs the prime action through Mint/Grant/Burn and verifies the proof', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    const cid = await page.getByTestId('action-cid').textContent();
    expect(cid).toMatch(/^Qm/);

    await page.getByTestId('mint-grant-burn').click();
    await expect
      .poll(() => page.getByTestId('action-params').inputValue(), { timeout: 60_000 })
      .toMatch(/"publicKey": "0x04/);
    const params = JSON.parse(await page.getByTestId('action-params').inputValue()) as { publicKey: string };

    await page.getByTestId('run-action').click();
    await expect.poll(() => page.getByTestId('action-signature-prime').count(), { timeout: 60_000 }).toBe(1);
    const signature = (await page.getByTestId('action-signature-prime').textContent())!;
    expect(ethers.recoverAddress(primeDigest(7), signature)).toBe(ethers.computeAddress(params.publicKey));
    expect(await page.getByTestId('action-response').textContent()).toBe('{"prime":7}');
    await page.screenshot({ path: screenshotPath('actions'), fullPage: true });

    // 8 is refused on every node: the error shows, no signature.
    await page.getByTestId('action-params').fill(JSON.stringify({ number: 8, publicKey: params.publicKey }));
    await page.getByTestId('run-action').click();
    await expect
      .poll(() => page.getByTestId('action-error').textContent(), { timeout: 60_000 })
      .toMatch(/8 is not prime/);

    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByLabel('PKP public key').fill(params.publicKey);
    await page.getByLabel('Signature (0x r‖s‖v)').fill(signature);
    await page.getByLabel('Digest that was signed (32 bytes)').fill(primeDigest(7));
    await page.getByRole('button', { name: 'Verify', exact: true }).last().click();
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 }).toMatch(/Valid proof/);
    await page.screenshot({ path: screenshotPath('verify'), fullPage: true });
  });
});
