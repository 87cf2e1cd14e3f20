import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { NetworkStatus } from '../app/shared/api/contract.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { launchChromium, openWallet, screenshotPath } from './browser.ts';

let sandbox: RunningSandbox;
let browser: Browser;
const dataDir = tempDataDir('litbox-e2e-');

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '7', '--port', '0', '--data-dir', dataDir]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

describe('the network dashboard in Chromium', () => {
  it('status --json reports 7 nodes up', async () => {
    const result = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as NetworkStatus;
    expect(status).toMatchObject({ ready: true, nodeCount: 7, threshold: 5, chain: { chainId: 31337 } });
    expect(status.nodes.filter((n) => n.up)).toHaveLength(7);
  });

  it('shows N nodes up and the live block number', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await expect.poll(() => page.getByTestId('network-state').textContent()).toBe('ready');
    await expect.poll(() => page.getByTestId('node-state').allTextContents()).toEqual(Array(7).fill('up'));
    expect(await page.getByTestId('threshold').textContent()).toBe('5 of 7');
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');

    const status = JSON.parse(
      (await runCliProcess(['status', '--json', '--data-dir', dataDir])).stdout,
    ) as NetworkStatus;
    // Cheat methods are off on the chain's RPC until the person turns them on in Settings.
    const mine = () =>
      fetch(status.chain.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_mine', params: ['0x3'] }),
      }).then((res) => res.json() as Promise<{ error?: { message: string } }>);
    expect((await mine()).error?.message).toMatch(/cheat methods are off/);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    // The switch follows the live status: it shows on once the host has turned cheats on.
    await page.getByTestId('chain-cheats').click();
    await expect.poll(() => page.getByTestId('chain-cheats').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Network', exact: true }).click();
    expect((await mine()).error).toBeUndefined();
    const before = status.chain.blockNumber ?? 0;
    await expect.poll(() => page.getByTestId('block-number').textContent()).toBe(String(before + 3));
    await page.screenshot({ path: screenshotPath('network-dashboard'), fullPage: true });
  });

  it('stops and restarts a node from the UI', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'Stop node 3' }).click();
    await expect.poll(() => page.getByTestId('node-3').getByTestId('node-state').textContent()).toBe('down');
    expect(await page.getByTestId('nodes-up').textContent()).toBe('6 / 7');
    await page.getByRole('button', { name: 'Start node 3' }).click();
    // A node rejoins the network (chain, peers, sandbox warm-up) before it reports up.
    await expect
      .poll(() => page.getByTestId('node-3').getByTestId('node-state').textContent(), { timeout: 30_000 })
      .toBe('up');
  });
});
