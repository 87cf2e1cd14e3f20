import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ethers, Transaction } from 'ethers';
import { KEY_TYPE } from '../app/shared/contracts/index.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { fieldError, launchChromium, mintAndOpenPkp, openWallet, pkpTab, rowValue, screenshotPath } from './browser.ts';
import { sandboxChain, type SandboxChain } from './sandbox-chain.ts';

let sandbox: RunningSandbox;
let browser: Browser;
let chain: SandboxChain;
let page: Page;
let pkp: { address: string; publicKey: string };

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '4', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-send-')]);
  browser = await launchChromium();
  chain = await sandboxChain(sandbox);
  page = await browser.newPage();
  await openWallet(page, sandbox.uiUrl);
  pkp = await mintAndOpenPkp(page);
});

afterAll(async () => {
  chain?.close();
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

describe('sending from a PKP in Chromium', () => {
  it('puts bad input next to its field and sends nothing', async () => {
    await pkpTab(page, 'Send');
    await page.getByTestId('send-to').fill('0x1234');
    await page.getByTestId('send-amount').fill('5');
    await page.getByTestId('review-send').click();
    await expect.poll(() => fieldError(page.getByTestId('send-to'))).toMatch(/Not an Ethereum address/);
    // The PKP holds nothing yet: the amount is above its balance.
    expect(await fieldError(page.getByTestId('send-amount'))).toMatch(/The PKP holds 0.0 ETH, less than 5 ETH/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('wallet-send-bad-input'), fullPage: true });
    expect(await chain.provider.getTransactionCount(pkp.address)).toBe(0);
  });

  it('previews an EIP-1559 transfer, cancels with Escape, then confirms and shows the mined receipt', async () => {
    await pkpTab(page, 'Overview');
    await page.getByTestId('faucet').click();
    await expect.poll(() => page.getByTestId('pkp-balance').textContent(), { timeout: 30_000 }).toBe('10 ETH');
    expect(await chain.provider.getBalance(pkp.address)).toBe(ethers.parseEther('10'));

    const to = ethers.Wallet.createRandom().address;
    await pkpTab(page, 'Send');
    await page.getByTestId('send-to').fill(to);
    await page.getByTestId('send-amount').fill('0.5');
    await page.getByTestId('review-send').click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the transaction' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await rowValue(dialog, 'From')).toBe(pkp.address);
    expect(await rowValue(dialog, 'To')).toBe(to);
    expect(await rowValue(dialog, 'Value')).toBe('0.5 ETH');
    expect(await rowValue(dialog, 'Nonce')).toBe('0');
    expect(await rowValue(dialog, 'Network')).toBe('Litbox sandbox (chain id 31337)');
    expect(await rowValue(dialog, 'Gas limit')).toBe('21000');
    expect(await rowValue(dialog, 'Data')).toBe('none');
    await page.screenshot({ path: screenshotPath('wallet-send-confirm') });

    // Escape cancels: the dialog closes and nothing is signed or sent.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await chain.provider.getTransactionCount(pkp.address)).toBe(0);

    // Review again; Cancel has the focus (an Enter meant for the form must not send), so Tab to
    // the confirm button and Enter confirms.
    await page.getByTestId('review-send').click();
    await dialog.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cancel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('confirm');
    await page.keyboard.press('Enter');
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor({ timeout: 60_000 });
    const hash = (await rowValue(receipt, 'Transaction hash'))!;
    const mined = (await chain.provider.getTransactionReceipt(hash))!;
    expect(mined.status).toBe(1);
    expect(await rowValue(receipt, 'Block')).toBe(String(mined.blockNumber));
    expect(await rowValue(receipt, 'Gas used')).toBe(mined.gasUsed.toString());
    expect(await rowValue(receipt, 'Status')).toBe('success');
    const tx = (await chain.provider.getTransaction(hash))!;
    expect({ from: tx.from, to: tx.to, type: tx.type, chainId: tx.chainId }).toEqual({
      from: pkp.address,
      to,
      type: 2,
      chainId: 31337n,
    });
    expect(await chain.provider.getBalance(to)).toBe(ethers.parseEther('0.5'));
    await page.screenshot({ path: screenshotPath('wallet-send-receipt'), fullPage: true });

    // The receipt links to the transaction in the activity log.
    await page.getByTestId('receipt-activity').click();
    await expect.poll(() => page.getByTestId('activity-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('activity-row').getAttribute('data-hash')).toBe(hash);
  });

  it('decodes a call to PKPNFT on the confirmation screen, and the PKP mints a PKP of its own', async () => {
    await page.getByRole('button', { name: 'PKPs', exact: true }).click();
    await page.getByRole('button', { name: `Open ${pkp.address}` }).click();
    await pkpTab(page, 'Send');
    const data = chain.contracts.PKPNFT.interface.encodeFunctionData('mintNext', [KEY_TYPE.ECDSA]);
    await page.getByTestId('send-to').fill(await chain.contracts.PKPNFT.getAddress());
    await page.getByTestId('send-amount').fill(ethers.formatEther(await chain.contracts.PKPNFT.mintCost()));
    await page.getByText('Data (optional: call a contract)').click();
    await page.getByTestId('send-data').fill(data);
    await page.getByTestId('review-send').click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the transaction' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await rowValue(dialog, 'Data')).toBe('PKPNFT.mintNext(keyType)');
    expect(await rowValue(dialog, 'keyType (uint256)')).toBe('2');
    expect(await rowValue(dialog, 'To')).toMatch(/\(PKPNFT\)$/);
    await page.screenshot({ path: screenshotPath('wallet-send-decoded') });
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('receipt').waitFor({ timeout: 60_000 });
    expect(await chain.contracts.PKPNFT.balanceOf(pkp.address)).toBe(1n);
  });

  it('exports a signed transaction for another chain id without sending it; a chain id must be a number', async () => {
    await pkpTab(page, 'Export transaction');
    const to = ethers.Wallet.createRandom().address;
    await page.getByTestId('export-chain-id').fill('mainnet');
    await page.getByTestId('export-to').fill(to);
    await page.getByTestId('export-amount').fill('0.1');
    await page.getByTestId('review-export').click();
    await expect.poll(() => fieldError(page.getByTestId('export-chain-id'))).toMatch(/chain id must be a number/);
    expect(await page.getByRole('dialog').count()).toBe(0);

    await page.getByTestId('export-chain-id').fill('10');
    await page.getByTestId('export-nonce').fill('3');
    await page.getByTestId('review-export').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await rowValue(dialog, 'Network')).toBe('chain id 10: signed only, not broadcast');
    expect(await rowValue(dialog, 'Nonce')).toBe('3');
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('exported').waitFor({ timeout: 60_000 });
    const raw = await page.getByTestId('exported-raw').inputValue();
    const parsed = Transaction.from(raw);
    expect({
      chainId: parsed.chainId,
      nonce: parsed.nonce,
      to: parsed.to,
      value: parsed.value,
      from: parsed.from,
    }).toEqual({
      chainId: 10n,
      nonce: 3,
      to,
      value: ethers.parseEther('0.1'),
      from: pkp.address,
    });
    expect(await chain.provider.getTransaction(parsed.hash!)).toBeNull();
    await page.screenshot({ path: screenshotPath('wallet-export'), fullPage: true });
  });
});
