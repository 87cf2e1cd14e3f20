import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ethers } from 'ethers';
import { createApiClient } from '../app/shared/api/client.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { launchChromium, openWallet, screenshotPath } from './browser.ts';

let sandbox: RunningSandbox;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '4', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-auth-')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

/** Chromium's virtual authenticator, so passkeys are real WebAuthn without a person. */
async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

async function signDigest(page: Page, signAs: string, digest: string): Promise<string> {
  await page.getByTestId('sign-as').selectOption(signAs);
  await page.getByTestId('digest-input').fill(digest);
  await page.getByTestId('sign-digest').click();
  await expect.poll(() => page.getByTestId('signature-value').count(), { timeout: 60_000 }).toBe(1);
  return (await page.getByTestId('signature-value').textContent())!;
}

describe('auth methods in Chromium', () => {
  it('Google-style sign-in, a self-owned PKP, a passkey added by the PKP, then the passkey alone', async () => {
    const page = await browser.newPage();
    await addVirtualAuthenticator(page);
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'PKPs', exact: true }).click();

    // (a) Sign in with the local issuer's real login page, in a new tab.
    const popup = page.waitForEvent('popup');
    await page.getByTestId('sign-in').click();
    const login = await popup;
    await login.locator('button[data-email="alice@example.com"]').click();
    await expect
      .poll(() => page.getByTestId('account-email').allTextContents(), { timeout: 30_000 })
      .toEqual(['alice@example.com']);
    // Back to the wallet: WebAuthn only answers the focused page.
    await login.close();
    await page.bringToFront();

    await page.getByTestId('mint-for-account').click();
    await expect.poll(() => page.getByTestId('pkp-owner').allTextContents(), { timeout: 60_000 }).toEqual(['itself']);
    const address = (await page.getByTestId('pkp-address').first().getAttribute('data-address'))!;

    const first = ethers.keccak256(ethers.toUtf8Bytes('signed with a Google-style account'));
    const byAccount = await signDigest(
      page,
      (await page.getByTestId('sign-as').locator('option').nth(1).getAttribute('value'))!,
      first,
    );
    expect(ethers.recoverAddress(first, byAccount)).toBe(address);

    // (b) Add a passkey to the PKP: a transaction the PKP itself signs, authorised by the account.
    await page.getByRole('button', { name: `Add a passkey to ${address}` }).click();
    const outcome = page.locator('[data-testid="pkp-notice"], [role="alert"]').first();
    await expect
      .poll(() => outcome.textContent({ timeout: 1_000 }).catch(() => ''), { timeout: 60_000 })
      .toMatch(/Passkey added/);

    // (c) Sign with only the passkey.
    const second = ethers.keccak256(ethers.toUtf8Bytes('signed with a passkey'));
    const byPasskey = await signDigest(page, 'passkey', second);
    expect(ethers.recoverAddress(second, byPasskey)).toBe(address);
    await page.screenshot({ path: screenshotPath('auth-methods'), fullPage: true });

    // (d) The minter's wallet can no longer change that PKP's permissions.
    const api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
    const { pkps } = await api.call('pkpList', {});
    const pkp = pkps.find((p) => p.ethAddress === address)!;
    await expect(
      api.call('actionGrant', {
        publicKey: pkp.publicKey,
        ipfsId: 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j',
        scope: 1,
      }),
    ).rejects.toThrow(/owner/i);
  });

  it('a sign-in left open ends when its window is closed or Cancel is pressed, and its page then signs nobody in', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'PKPs', exact: true }).click();

    // The window closed without choosing an account: the UI is free again at once.
    let popup = page.waitForEvent('popup');
    await page.getByTestId('sign-in').click();
    let login = await popup;
    await login.locator('button[data-email="alice@example.com"]').waitFor();
    const closed = performance.now();
    await login.close();
    await expect
      .poll(
        () =>
          page
            .getByTestId('sign-in-notice')
            .textContent({ timeout: 500 })
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toBe('The sign-in was cancelled.');
    console.log(`sign-in window closed -> UI free in ${Math.round(performance.now() - closed)} ms`);
    expect(await page.getByTestId('sign-in').isEnabled()).toBe(true);

    // Cancel in the UI while the page is still open: that page can no longer sign anyone in.
    popup = page.waitForEvent('popup');
    await page.getByTestId('sign-in').click();
    login = await popup;
    await login.locator('button[data-email="alice@example.com"]').waitFor();
    await page.getByTestId('sign-in-cancel').click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('sign-in-notice')
            .textContent({ timeout: 500 })
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toBe('The sign-in was cancelled.');
    await login.locator('button[data-email="alice@example.com"]').click();
    await expect.poll(() => login.textContent('h1'), { timeout: 10_000 }).toBe('Sign-in refused');
    await login.close();
    await page.close();
  });

  it('mints a PKP controlled by a new passkey alone, and signs with it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'PKPs', exact: true }).click();
    await page.getByTestId('mint-with-passkey').click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('pkp-notice')
            .textContent()
            .catch(() => ''),
        { timeout: 60_000 },
      )
      .toMatch(/owns itself and its passkey controls it/);
    const address = /Minted (0x[0-9a-fA-F]{40})/.exec((await page.getByTestId('pkp-notice').textContent())!)![1]!;
    await page.getByTestId('pkp-table').locator(`[data-address="${address}"]`).first().waitFor();
    await page.getByTestId('sign-pkp').selectOption({ label: address });
    const digest = ethers.keccak256(ethers.toUtf8Bytes('a passkey-only PKP'));
    const signature = await signDigest(page, 'passkey', digest);
    expect(ethers.recoverAddress(digest, signature)).toBe(address);
    await context.close();
  });
});
