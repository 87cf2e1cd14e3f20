import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ethers } from 'ethers';
import { AUTH_METHOD_TYPE, tokenIdFromPubkey } from '../app/shared/contracts/index.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { fieldError, launchChromium, mintAndOpenPkp, openWallet, pkpTab, rowValue, screenshotPath } from './browser.ts';
import { sandboxChain, type SandboxChain } from './sandbox-chain.ts';

let sandbox: RunningSandbox;
let browser: Browser;
let chain: SandboxChain;
let page: Page;

const HELLO_CID = 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j';

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '4', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-pkp-details-')]);
  browser = await launchChromium();
  chain = await sandboxChain(sandbox);
  page = await browser.newPage();
  await openWallet(page, sandbox.uiUrl);
});

afterAll(async () => {
  chain?.close();
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

/** Leaves the PKP's page and opens it again, so it reads the chain afresh. */
async function reopen(address: string): Promise<void> {
  await page.getByRole('button', { name: 'PKPs', exact: true }).click();
  // Burned PKPs are listed apart, folded.
  const burned = page.getByTestId('burned-pkps');
  await page
    .getByRole('button', { name: `Open ${address}` })
    .or(burned)
    .first()
    .waitFor({ timeout: 30_000 });
  if (await burned.count()) await burned.evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.getByRole('button', { name: `Open ${address}` }).click();
  await page.getByTestId('pkp-facts').waitFor({ timeout: 30_000 });
}

describe('a PKP’s page in Chromium', () => {
  it('shows token id, key, owner, balance, permissions with scopes and history; removes a permission', async () => {
    const { address, publicKey } = await mintAndOpenPkp(page);
    const wallet = await chain.api.call('wallet', {});
    expect(await page.getByTestId('pkp-token-id').textContent()).toBe(tokenIdFromPubkey(publicKey).toString());
    expect(await page.getByTestId('pkp-owner-detail').textContent()).toBe(`the wallet account (${wallet.address})`);
    expect(await page.getByTestId('pkp-balance').textContent()).toBe('0 ETH');

    // Permissions made elsewhere (the API, as a script would) show up with their scopes.
    const friend = ethers.Wallet.createRandom().address;
    await chain.api.call('actionGrant', { publicKey, ipfsId: HELLO_CID, scope: 1 });
    await chain.api.call('pkpPermissionChange', {
      publicKey,
      change: { kind: 'addAddress', address: friend, scopes: [2] },
    });
    await page.getByTestId('faucet').click();
    await expect.poll(() => page.getByTestId('pkp-balance').textContent(), { timeout: 30_000 }).toBe('10 ETH');
    await reopen(address);
    expect(await page.getByTestId('action-row').allTextContents()).toEqual([`${HELLO_CID}SignAnythingRemove`]);
    // Each row: the address (shown short, full in data-address), its pills, its scopes, Remove.
    const addressRows = await page
      .getByTestId('address-row')
      .evaluateAll((rows) =>
        rows.map((r) =>
          [
            r.querySelector('[data-address]')?.getAttribute('data-address'),
            [...r.querySelectorAll('.pill')].map((p) => p.textContent).join(','),
            r.querySelector('td:nth-child(2)')?.textContent,
            r.querySelector('td:nth-child(3)')?.textContent,
          ].join('|'),
        ),
      );
    expect(addressRows).toEqual([
      `${wallet.address}|owner|everything (as the owner)|`,
      `${friend}||PersonalSign|Remove`,
    ]);
    const history = await page.getByTestId('history-row').allTextContents();
    expect(history.some((h) => h.includes(`NFT minted to ${wallet.address}`))).toBe(true);
    expect(history.some((h) => h.includes(`granted scope PersonalSign to address ${friend}`))).toBe(true);
    await page.screenshot({ path: screenshotPath('wallet-pkp-details'), fullPage: true });

    // Remove the address: a confirmation, a transaction, gone from the page and from the chain.
    await page.getByRole('button', { name: `Remove the address ${friend}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove a permission' });
    await dialog.waitFor();
    expect(await rowValue(dialog, 'Transaction from')).toBe(`${wallet.address} (the wallet account)`);
    await dialog.getByTestId('confirm').click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('permission-notice')
            .textContent()
            .catch(() => ''),
        { timeout: 60_000 },
      )
      .toMatch(new RegExp(`Removed the address ${friend}`));
    expect(await page.getByTestId('address-row').count()).toBe(1);
    expect(
      await chain.contracts.PKPPermissions.isPermittedAuthMethod(
        tokenIdFromPubkey(publicKey),
        AUTH_METHOD_TYPE.EthWallet,
        friend.toLowerCase(),
      ),
    ).toBe(false);
    expect((await page.getByTestId('history-row').allTextContents()).at(-1)).toContain(`removed address ${friend}`);
  });

  it('shows a Mint/Grant/Burn PKP as burned, and refuses to sign for it with an auth method it does not permit', async () => {
    const burned = await chain.api.call('pkpMintGrantBurn', { ipfsId: HELLO_CID });
    await chain.api.call('faucet', { address: burned.ethAddress, amountEth: '1' });
    await reopen(burned.ethAddress);
    expect(await page.getByTestId('pkp-owner-detail').textContent()).toMatch(/burned/);
    expect(await page.getByRole('button', { name: `Remove the action ${HELLO_CID}` }).isDisabled()).toBe(true);

    await pkpTab(page, 'Send');
    await page.getByTestId('send-to').fill(ethers.Wallet.createRandom().address);
    await page.getByTestId('send-amount').fill('0.1');
    await page.getByTestId('review-send').click();
    await expect
      .poll(() => fieldError(page.getByTestId('signer')))
      .toMatch(/does not permit that signer.*burned: only its permitted Lit Actions/);
    // Only the signer is wrong: the amount is within the balance.
    expect(await fieldError(page.getByTestId('send-amount'))).toBeNull();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await chain.provider.getTransactionCount(burned.ethAddress)).toBe(0);
    await page.screenshot({ path: screenshotPath('wallet-no-permitted-signer'), fullPage: true });
  });
});
