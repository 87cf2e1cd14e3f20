import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ethers } from 'ethers';
import { startSandbox, tempDataDir, REPO_ROOT, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { findFreePort } from '../app/host/ports.ts';
import { CHROMIUM_PATH, openWallet, rowValue, screenshotPath } from './browser.ts';
import { sandboxChain, type SandboxChain } from './sandbox-chain.ts';

// A dapp page in Chromium with the companion extension (extension/) loaded: it finds Litbox
// through EIP-6963 with mipd, connects after the person approves in the Litbox page, sends a
// transaction, signs typed data, and hears 4001 when the person rejects.

const TYPED = {
  domain: {
    name: 'Dapp',
    version: '1',
    chainId: 31337,
    verifyingContract: '0x0000000000000000000000000000000000000001',
  },
  types: {
    Order: [
      { name: 'item', type: 'string' },
      { name: 'amount', type: 'uint256' },
    ],
  },
  primaryType: 'Order',
  message: { item: 'tea', amount: '3' },
};

const DAPP_HTML = `<!doctype html><meta charset="utf-8"><title>Test dapp</title><h1>Test dapp</h1>
<script type="module">
  import { createStore } from '/mipd/index.js';
  const store = createStore();
  window.findLitbox = () => store.getProviders().find((d) => d.info.rdns === 'dev.litbox');
  window.call = async (method, params) => {
    const found = window.findLitbox();
    if (!found) return { error: { code: 0, message: 'Litbox was not announced' } };
    try {
      const result = await found.provider.request({ method, params });
      return { result, at: Date.now() };
    } catch (err) {
      return { error: { code: err.code, message: err.message }, at: Date.now() };
    }
  };
</script>`;

let sandbox: RunningSandbox;
let chain: SandboxChain;
let context: BrowserContext;
let litbox: Page;
let dapp: Page;
let dappServer: http.Server;
let pkp: { ethAddress: string; publicKey: string };
let providerUrl: string;

beforeAll(async () => {
  const providerPort = await findFreePort();
  providerUrl = `http://127.0.0.1:${providerPort}`;
  sandbox = await startSandbox([
    '--nodes',
    '3',
    '--port',
    '0',
    '--provider-port',
    String(providerPort),
    // A named local client trusted without a click (dapp CI): the UI must say so while it is on.
    '--approve-all-from',
    'e2e-ci',
    '--data-dir',
    tempDataDir('litbox-e2e-provider-'),
  ]);
  expect(sandbox.stdout()).toContain(`Litbox wallet provider: http://127.0.0.1:${providerPort}`);
  chain = await sandboxChain(sandbox);

  // The extension as kept in the repository, told this sandbox's provider port.
  const extension = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-extension-'));
  fs.cpSync(path.join(REPO_ROOT, 'extension'), extension, { recursive: true });
  fs.writeFileSync(path.join(extension, 'config.js'), `export const PROVIDER_PORT = ${providerPort};\n`);

  const mipd = path.join(REPO_ROOT, 'node_modules', 'mipd', 'dist', 'esm');
  dappServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/mipd/')) {
      const file = path.join(mipd, path.basename(url.pathname));
      if (!fs.existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(file));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(DAPP_HTML);
  });
  await new Promise<void>((resolve) => dappServer.listen(0, '127.0.0.1', resolve));

  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-chromium-')), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
    ],
  });
  litbox = await context.newPage();
  await openWallet(litbox, sandbox.uiUrl);
  pkp = await chain.api.call('pkpMint', {});
  await chain.api.call('faucet', { address: pkp.ethAddress, amountEth: '5' });
  dapp = await context.newPage();
  const address = dappServer.address() as { port: number };
  await dapp.goto(`http://127.0.0.1:${address.port}/`);
}, 240_000);

afterAll(async () => {
  await context?.close();
  chain?.close();
  dappServer?.close();
  if (sandbox && sandbox.child.exitCode === null) await sandbox.stop();
});

/** Calls the Litbox provider from the dapp page (as the dapp's own code would). */
function dappCall(
  method: string,
  params?: unknown,
): Promise<{ result?: unknown; error?: { code: number; message: string }; at?: number }> {
  return dapp.evaluate(
    ([m, p]) => (window as unknown as { call: (m: string, p: unknown) => Promise<never> }).call(m as string, p),
    [method, params] as const,
  );
}

/** When the approval dialog shows up in the Litbox page (its own clock, ms since 1970). */
function dialogShown(kind: string): Promise<number> {
  return litbox.evaluate(
    (k) =>
      new Promise<number>((resolve) => {
        const seen = () => document.querySelector(`[data-testid="approval-dialog"][data-kind="${k}"]`);
        if (seen()) return resolve(Date.now());
        const observer = new MutationObserver(() => {
          if (seen()) {
            observer.disconnect();
            resolve(Date.now());
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      }),
    kind,
  );
}

describe('a dapp in Chromium with the Litbox extension', () => {
  it('shows the --approve-all-from notice on every section and in Settings while it is on', async () => {
    const notice = litbox.getByTestId('approve-all-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.textContent()).toContain('“e2e-ci”');
    expect(await notice.textContent()).toContain('--approve-all-from e2e-ci');
    await litbox.getByRole('button', { name: 'PKPs', exact: true }).click();
    expect(await notice.isVisible()).toBe(true);
    await litbox.getByRole('button', { name: 'Settings', exact: true }).click();
    expect(await notice.isVisible()).toBe(true);
    expect(await litbox.getByTestId('approve-all-settings').textContent()).toContain('“e2e-ci”');
    await litbox.screenshot({ path: screenshotPath('provider-approve-all-notice') });
    // It is what the notice says: that client sees the PKP without a click, nobody else does.
    const ask = (name: string) =>
      fetch(`${providerUrl}/?name=${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_accounts', params: [] }),
      }).then((r) => r.json() as Promise<{ result: string[] }>);
    expect((await ask('e2e-ci')).result).toContain(pkp.ethAddress);
    expect((await ask('someone-else')).result).toEqual([]);
    await litbox.getByRole('button', { name: 'Network', exact: true }).click();
  });

  it('finds Litbox through EIP-6963 (name, icon, rdns); nothing is connected yet', async () => {
    await dapp.waitForFunction(() => (window as unknown as { findLitbox?: () => unknown }).findLitbox?.(), null, {
      timeout: 15_000,
    });
    const info = await dapp.evaluate(
      () => (window as unknown as { findLitbox: () => { info: Record<string, string> } }).findLitbox().info,
    );
    expect(info.name).toBe('Litbox');
    expect(info.rdns).toBe('dev.litbox');
    expect(info.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await dappCall('eth_accounts')).toMatchObject({ result: [] });
    expect((await dappCall('eth_blockNumber')).error?.code).toBe(4100);
  });

  it('connects after the person picks the PKP in the Litbox page', async () => {
    const shown = dialogShown('connect');
    const connecting = dappCall('eth_requestAccounts');
    await shown;
    const dialog = litbox.getByTestId('approval-dialog');
    expect(await dialog.getAttribute('data-client')).toBe(new URL(dapp.url()).origin);
    await litbox.getByTestId(`approval-pkp-${pkp.ethAddress}`).check();
    await litbox.screenshot({ path: screenshotPath('provider-connect') });
    await litbox.getByTestId('confirm').click();
    expect(await connecting).toMatchObject({ result: [pkp.ethAddress] });
  });

  it('sends transactions the person approves; they are mined (prompt and receipt times printed)', async () => {
    // Right after `up` the nodes are still making presignatures (CPU-bound, and a signature that
    // finds none waits for one): the figure wanted is the provider's path, so the pools first.
    const poolsBy = Date.now() + 90_000;
    for (;;) {
      const nodes = (await chain.api.call('status', {})).nodes.filter((n) => n.up);
      if (nodes.length > 0 && nodes.every((n) => (n.presignaturesFresh ?? 0) >= 10)) break;
      if (Date.now() > poolsBy) throw new Error('the nodes did not make 10 presignatures each in 90 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    // The person looks at Litbox (the desktop app's window); the dapp's tab is behind it.
    await litbox.bringToFront();
    const to = ethers.Wallet.createRandom().address;
    const promptMs: number[] = [];
    const minedMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const shown = dialogShown('transaction');
      const askedAt = await dapp.evaluate(() => Date.now());
      const sending = dappCall('eth_sendTransaction', [{ from: pkp.ethAddress, to, value: '0x2386f26fc10000' }]);
      const shownAt = await shown;
      const dialog = litbox.getByRole('dialog', { name: 'Send this transaction?' });
      expect(await rowValue(dialog, 'To')).toBe(to);
      expect(await rowValue(dialog, 'Value')).toBe('0.01 ETH');
      if (i === 0) await litbox.screenshot({ path: screenshotPath('provider-send') });
      // The click's own time in the page, so Playwright's round trips are not counted.
      const approvedAt = await litbox.evaluate(() => {
        const at = Date.now();
        (document.querySelector('[data-testid="confirm"]') as HTMLButtonElement).click();
        return at;
      });
      const sent = await sending;
      const receipt = await chain.provider.getTransactionReceipt(sent.result as string);
      expect(receipt?.status).toBe(1);
      expect(receipt?.from).toBe(pkp.ethAddress);
      promptMs.push(shownAt - askedAt);
      minedMs.push(sent.at! - approvedAt);
    }
    expect(await chain.provider.getBalance(to)).toBe(ethers.parseEther('0.03'));
    console.log(
      `extension timings (load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )}): eth_sendTransaction in the dapp → prompt shown in Litbox ${promptMs.join(', ')} ms; approve click → mined hash in the dapp ${minedMs.join(', ')} ms`,
    );
  });

  it("hears new blocks through eth_subscribe as EIP-1193's message event", async () => {
    const subscription = await dapp.evaluate(async () => {
      const w = window as unknown as {
        findLitbox: () => {
          provider: {
            on: (
              e: string,
              f: (m: { type: string; data: { subscription: string; result: { hash: string } } }) => void,
            ) => void;
            request: (a: { method: string; params: unknown[] }) => Promise<string>;
          };
        };
        heads: { subscription: string; hash: string }[];
      };
      w.heads = [];
      const { provider } = w.findLitbox();
      provider.on('message', (m) => {
        if (m.type === 'eth_subscription')
          w.heads.push({ subscription: m.data.subscription, hash: m.data.result.hash });
      });
      return provider.request({ method: 'eth_subscribe', params: ['newHeads'] });
    });
    const sent = await chain.api.call('pkpSend', {
      publicKey: pkp.publicKey,
      to: ethers.Wallet.createRandom().address,
      valueEth: '0.001',
    });
    const receipt = await chain.provider.getTransactionReceipt(sent.transactionHash);
    await dapp.waitForFunction(
      (hash) => (window as unknown as { heads: { hash: string }[] }).heads.some((h) => h.hash === hash),
      receipt!.blockHash,
      { timeout: 10_000 },
    );
    const heads = await dapp.evaluate(() => (window as unknown as { heads: { subscription: string }[] }).heads);
    expect(heads.every((h) => h.subscription === subscription)).toBe(true);
    expect(await dappCall('eth_unsubscribe', [subscription])).toMatchObject({ result: true });
  });

  it('signs typed data the person approves, and it verifies', async () => {
    const shown = dialogShown('typed-data');
    const signing = dappCall('eth_signTypedData_v4', [pkp.ethAddress, JSON.stringify(TYPED)]);
    await shown;
    expect(await rowValue(litbox.getByRole('dialog'), 'message.item')).toBe('tea');
    await litbox.getByTestId('confirm').click();
    const signed = await signing;
    expect(ethers.verifyTypedData(TYPED.domain, TYPED.types, TYPED.message, signed.result as string)).toBe(
      pkp.ethAddress,
    );
  });

  it('gives the dapp 4001 when the person rejects', async () => {
    const shown = dialogShown('message');
    const signing = dappCall('personal_sign', ['0x68656c6c6f', pkp.ethAddress]);
    await shown;
    await litbox.getByTestId('cancel').click();
    expect((await signing).error?.code).toBe(4001);
  });

  it('lists the dapp under connected sites in Settings; Disconnect takes its accounts away', async () => {
    await litbox.getByRole('button', { name: 'Settings', exact: true }).click();
    const site = litbox.getByTestId('connected-site');
    await site.waitFor();
    expect(await site.textContent()).toContain(new URL(dapp.url()).origin);
    expect(await site.textContent()).toContain(pkp.ethAddress);
    await litbox.screenshot({ path: screenshotPath('provider-connected-sites'), fullPage: true });
    await site.getByTestId('disconnect').click();
    await site.waitFor({ state: 'detached' });
    expect(await dappCall('eth_accounts')).toMatchObject({ result: [] });
  });

  it('reports disconnected (4900) when Litbox is not running, and the page keeps working', async () => {
    await dapp.evaluate(() => {
      const w = window as unknown as {
        findLitbox: () => { provider: { on: (e: string, f: (err: { code: number }) => void) => void } };
        disconnects: number[];
      };
      w.disconnects = [];
      w.findLitbox().provider.on('disconnect', (err) => w.disconnects.push(err.code));
    });
    expect(await sandbox.stop()).toBe(0);
    // EIP-1193's disconnect event, once, as Litbox stopped.
    await dapp.waitForFunction(() => (window as unknown as { disconnects: number[] }).disconnects.length > 0);
    expect(await dapp.evaluate(() => (window as unknown as { disconnects: number[] }).disconnects)).toEqual([4900]);
    const reply = await dappCall('eth_chainId');
    expect(reply.error?.code).toBe(4900);
    expect(await dapp.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Test dapp');
  });
});
