import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ethers } from 'ethers';
import { Cacao } from '@didtools/cacao';
import { getEIP191Verifier } from '@didtools/pkh-ethereum';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { EXAMPLE_TYPED_DATA } from '../app/renderer/src/pkps/detail/typed-data.ts';
import { fieldError, launchChromium, mintAndOpenPkp, openWallet, pkpTab, rowValue, screenshotPath } from './browser.ts';
import { sandboxChain, type SandboxChain } from './sandbox-chain.ts';

let sandbox: RunningSandbox;
let browser: Browser;
let chain: SandboxChain;
let page: Page;
let pkp: { address: string; publicKey: string };

beforeAll(async () => {
  // 4 nodes, threshold 3: stopping one still signs, stopping two does not.
  sandbox = await startSandbox(['--nodes', '4', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-sign-')]);
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

describe('signing messages and typed data with a PKP in Chromium', () => {
  it('signs an EIP-191 message after showing it, and ethers recovers the PKP', async () => {
    await pkpTab(page, 'Sign message');
    const message = 'Litbox e2e: sign in to example.org\nnonce 42';
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('review-message').click();
    const dialog = page.getByRole('dialog', { name: 'Sign this message?' });
    await dialog.waitFor();
    expect(await rowValue(dialog, 'Message')).toBe(message);
    expect(await rowValue(dialog, 'Hash signed')).toBe(ethers.hashMessage(message));
    await page.screenshot({ path: screenshotPath('wallet-sign-message-confirm') });
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('sign-result').waitFor({ timeout: 60_000 });
    const signature = (await page.getByTestId('sign-signature').textContent())!;
    expect(ethers.verifyMessage(message, signature)).toBe(pkp.address);
    expect(await page.getByTestId('sign-verdict').textContent()).toMatch(/recovers the PKP’s address/);
    await page.screenshot({ path: screenshotPath('wallet-sign-message'), fullPage: true });
  });

  it('signs EIP-712 typed data after showing domain, message and digest; refuses what is not EIP-712', async () => {
    await pkpTab(page, 'Sign typed data');
    const input = page.getByTestId('typed-data-input');
    await input.fill('{"domain": {}, "types": {}');
    await page.getByTestId('review-typed-data').click();
    await expect.poll(() => fieldError(input)).toMatch(/not JSON/);
    expect(await page.getByRole('dialog').count()).toBe(0);

    await input.fill(JSON.stringify(EXAMPLE_TYPED_DATA, null, 2));
    await page.getByTestId('review-typed-data').click();
    const dialog = page.getByRole('dialog', { name: 'Sign this typed data?' });
    await dialog.waitFor();
    const { domain, types, message } = EXAMPLE_TYPED_DATA;
    expect(await rowValue(dialog, 'domain.name')).toBe('Litbox Mail');
    expect(await rowValue(dialog, 'message.contents')).toBe('Hello, Bob!');
    expect(await rowValue(dialog, 'Digest signed')).toBe(ethers.TypedDataEncoder.hash(domain, types, message));
    await page.screenshot({ path: screenshotPath('wallet-sign-typed-data-confirm') });
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('sign-result').waitFor({ timeout: 60_000 });
    const signature = (await page.getByTestId('sign-signature').textContent())!;
    expect(ethers.verifyTypedData(domain, types, message, signature)).toBe(pkp.address);
  });

  it('creates a Ceramic did:pkh session whose CACAO verifies with @didtools/cacao', async () => {
    await pkpTab(page, 'Ceramic');
    await page.getByTestId('review-ceramic').click();
    const dialog = page.getByRole('dialog', { name: 'Sign in to Ceramic as this PKP?' });
    await dialog.waitFor();
    expect(await rowValue(dialog, 'Account')).toBe(`did:pkh:eip155:31337:${pkp.address}`);
    await dialog.getByTestId('confirm').click();
    const session = page.getByTestId('ceramic-session');
    await session.waitFor({ timeout: 60_000 });
    await expect.poll(() => rowValue(session, 'CACAO check'), { timeout: 30_000 }).toMatch(/^valid/);
    await page.getByText('The CACAO (JSON, as @didtools/cacao reads it)').click();
    const cacao = JSON.parse((await page.getByTestId('ceramic-cacao').textContent())!) as { p: { iss: string } };
    expect(cacao.p.iss.toLowerCase()).toBe(`did:pkh:eip155:31337:${pkp.address.toLowerCase()}`);
    await Cacao.verify(cacao as never, { verifiers: getEIP191Verifier(), atTime: new Date() });
    await page.screenshot({ path: screenshotPath('wallet-ceramic-session'), fullPage: true });
  });

  it('shows which nodes gave shares to the last signature, and the threshold at work when nodes stop', async () => {
    await page.getByRole('button', { name: 'Network', exact: true }).click();
    const last = page.getByTestId('last-signature-nodes');
    await expect.poll(() => last.count()).toBe(1);
    const before = (await last.textContent())!.split(', ').map(Number);
    expect(before.length).toBeGreaterThanOrEqual(3);
    for (const n of before)
      expect(await page.getByTestId(`node-${n}`).getByTestId('node-contributed').textContent()).toBe('gave a share');

    // One node down: the other three still sign, and the page says which.
    await page.getByRole('button', { name: 'Stop node 2' }).click();
    await expect.poll(() => page.getByTestId('node-2').getByTestId('node-state').textContent()).toBe('down');
    await page.getByTestId('try-signature').click();
    const result = page.getByTestId('try-signature-result');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/recovers to/);
    const text = (await result.textContent())!;
    const [, nodes, address, recovered] =
      /Nodes ([\d, ]+) signed a random digest with (0x\w+); the signature recovers to (0x\w+)/.exec(text)!;
    expect(recovered).toBe(address);
    expect(nodes!.split(', ').map(Number)).toEqual([1, 3, 4]);
    await expect.poll(() => last.textContent()).toBe('1, 3, 4');
    expect(await page.getByTestId('node-2').getByTestId('node-contributed').textContent()).toBe('–');
    await page.screenshot({ path: screenshotPath('wallet-network-last-signature'), fullPage: true });

    // Two down: below the threshold of 3, nothing can sign.
    await page.getByRole('button', { name: 'Stop node 3' }).click();
    await expect.poll(() => page.getByTestId('nodes-up').textContent()).toMatch(/2 \/ 4 \(below threshold/);
    await page.getByTestId('try-signature').click();
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/needs 3/);

    await page.getByRole('button', { name: 'Start node 2' }).click();
    await page.getByRole('button', { name: 'Start node 3' }).click();
    await expect
      .poll(() => page.getByTestId('node-state').allTextContents(), { timeout: 60_000 })
      .toEqual(['up', 'up', 'up', 'up']);
    expect(await chain.api.call('status', {})).toMatchObject({ lastSignature: { nodes: [1, 3, 4] } });
  });
});
