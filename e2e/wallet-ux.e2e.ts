import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ethers } from 'ethers';
import { primeDigest } from '../app/shared/actions/sign-if-prime.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { fieldError, launchChromium, mintAndOpenPkp, openWallet, pkpTab, rowValue, screenshotPath } from './browser.ts';
import { sandboxChain, type SandboxChain } from './sandbox-chain.ts';

/**
 * The wallet a MetaMask, Rabby or Frame user would choose (issue 17): work kept on the Actions
 * page and Verify filled from the run, a dark editor, the current account in the header with a
 * switcher, names, balances, per-account history with a transaction view, toasts, honest
 * status, URLs per page, a second tab without the token, narrow windows without sideways
 * scrolling, and how long the UI adds to sign, mint and send.
 */

let sandbox: RunningSandbox;
let browser: Browser;
let context: BrowserContext;
let chain: SandboxChain;
let page: Page;

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '3', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-ux-')]);
  browser = await launchChromium();
  chain = await sandboxChain(sandbox);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sandbox.baseUrl });
  page = await context.newPage();
  await openWallet(page, sandbox.uiUrl);
});

afterAll(async () => {
  chain?.close();
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });

/** The WCAG contrast ratio of two rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (rgb: string) => {
    const [r, g, bl] = rgb
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/**
 * The page's width against the window's and, when it is wider, the element that makes it so:
 * found by hiding children one at a time, going down while hiding one takes the scroll away.
 */
async function noSidewaysScroll(p: Page): Promise<{ scrollWidth: number; width: number; culprit: string }> {
  return p.evaluate(() => {
    const width = window.innerWidth;
    const wide = () => document.documentElement.scrollWidth > width;
    const path: string[] = [];
    let at: Element = document.body;
    while (wide()) {
      const next = [...at.children].find((child) => {
        const el = child as HTMLElement;
        const before = el.style.display;
        el.style.display = 'none';
        const fixes = !wide();
        el.style.display = before;
        return fixes;
      });
      if (!next) break;
      path.push(
        `${next.tagName.toLowerCase()}${next.className ? `.${String(next.className).split(' ').join('.')}` : ''}`,
      );
      at = next;
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, culprit: path.join(' > ') };
  });
}

describe('the Actions page keeps the work', () => {
  it('keeps code, jsParams and the result across pages, tabs and a reload; Verify is filled from the run', async () => {
    await nav('Actions').click();
    await page.getByTestId('mint-grant-burn').click();
    await expect
      .poll(() => page.getByTestId('action-params').inputValue(), { timeout: 60_000 })
      .toMatch(/"publicKey": "0x04/);
    const params = JSON.parse(await page.getByTestId('action-params').inputValue()) as { publicKey: string };
    await page.getByTestId('run-action').click();
    const outcome = page.getByTestId('action-signature-prime').or(page.getByTestId('action-error'));
    await outcome.first().waitFor({ timeout: 60_000 });
    if (await page.getByTestId('action-error').count())
      throw new Error(`the run failed: ${await page.getByTestId('action-error').textContent()}`);
    const signature = (await page.getByTestId('action-signature-prime').textContent())!;
    // The result shows the digest the nodes actually signed.
    expect(await page.getByTestId('action-digest-prime').textContent()).toBe(primeDigest(7));

    // Leave for another section, and come back: nothing is lost.
    await nav('PKPs').click();
    await page.getByRole('heading', { name: 'PKPs', exact: true }).waitFor();
    await nav('Actions').click();
    expect(await page.getByTestId('action-params').inputValue()).toContain(params.publicKey);
    expect(await page.getByTestId('action-signature-prime').textContent()).toBe(signature);

    // Verify is filled from the run: the PKP, the signature, the digest signed.
    await page.getByTestId('verify-last-run').click();
    expect(await page.getByLabel('PKP public key').inputValue()).toBe(params.publicKey);
    expect(await page.getByLabel('Signature (0x r‖s‖v)').inputValue()).toBe(signature);
    expect(await page.getByLabel('Digest that was signed (32 bytes)').inputValue()).toBe(primeDigest(7));
    await page.getByRole('button', { name: 'Verify', exact: true }).last().click();
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 }).toMatch(/Valid proof/);
    await page.screenshot({ path: screenshotPath('ux-verify-filled'), fullPage: true });

    // Back to Write and run, then a reload: code, params, result and verdict stay.
    await page.getByRole('navigation', { name: 'Actions' }).getByRole('button', { name: 'Write and run' }).click();
    await page.getByTestId('action-params').fill(JSON.stringify({ number: 11, publicKey: params.publicKey }));
    await page.reload();
    await page.getByTestId('action-params').waitFor({ timeout: 30_000 });
    expect(JSON.parse(await page.getByTestId('action-params').inputValue())).toEqual({
      number: 11,
      publicKey: params.publicKey,
    });
    expect(await page.getByTestId('action-signature-prime').textContent()).toBe(signature);
  });

  it('gives the code editor dark colours in dark mode, readable against its background', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Actions').click();
    await expect.poll(() => page.getByTestId('code-editor').getAttribute('data-dark')).toBe('yes');
    const colours = await page.evaluate(() => {
      const editor = document.querySelector('.cm-editor')!;
      const background = getComputedStyle(editor).backgroundColor;
      const spans = [...editor.querySelectorAll('.cm-line span')].slice(0, 60).map((s) => getComputedStyle(s).color);
      return {
        background,
        spans: [...new Set(spans)],
        text: getComputedStyle(editor.querySelector('.cm-content')!).color,
      };
    });
    expect(colours.spans.length).toBeGreaterThan(2);
    for (const colour of [...colours.spans, colours.text])
      expect(contrast(colour, colours.background)).toBeGreaterThan(3);
    await page.getByTestId('code-editor').screenshot({ path: screenshotPath('ux-dark-editor') });
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('identity at a glance', () => {
  let pkp: { address: string; publicKey: string };

  it('shows the current account in the header with a copy button, and switches accounts', async () => {
    const wallet = await chain.api.call('wallet', {});
    const header = page.getByTestId('current-account');
    await expect.poll(() => page.getByTestId('current-account-name').textContent()).toMatch(/Wallet account|PKP/);
    pkp = await mintAndOpenPkp(page);
    // On a PKP's page, the header shows that PKP.
    await expect.poll(() => header.getAttribute('title')).toBe(pkp.address);
    await header.getByTestId('copy').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pkp.address);

    // Name it: the header, the page and the host's list say the name, after a reload too.
    await page.getByTestId('rename-pkp').click();
    await page.getByTestId('pkp-name-input').fill('Savings');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('current-account-name').textContent()).toBe('Savings');
    expect((await chain.api.call('pkpList', {})).pkps.find((p) => p.ethAddress === pkp.address)?.name).toBe('Savings');

    // The switcher offers the wallet account and the PKP, with balances.
    await page.getByTestId('account-switcher').click();
    const items = page.getByTestId('account-item');
    expect(await items.count()).toBeGreaterThanOrEqual(2);
    expect(await items.first().getAttribute('title')).toBe(wallet.address);
    await page.screenshot({ path: screenshotPath('ux-account-switcher') });
    await items.first().click();
    await expect.poll(() => header.getAttribute('title')).toBe(wallet.address);
    await page.getByRole('heading', { name: 'Wallet account' }).waitFor();
  });

  it('lists PKPs with short addresses, balances and owners; burned PKPs apart and offered for nothing', async () => {
    await chain.api.call('faucet', { address: pkp.address, amountEth: '2.123456789' });
    await nav('PKPs').click();
    const row = page.locator(`[data-testid="pkp-row"]:has([data-address="${pkp.address}"])`);
    await expect.poll(() => row.getByTestId('pkp-list-balance').textContent(), { timeout: 30_000 }).toBe('2.1235 ETH');
    expect(await row.locator('.amount').getAttribute('title')).toBe('2.123456789 ETH');
    expect(await row.locator('.pkp-title').textContent()).toBe('Savings');
    // Short address, full on hover.
    expect(await row.locator('.address-short').first().textContent()).toBe(
      `${pkp.address.slice(0, 6)}…${pkp.address.slice(-4)}`,
    );
    expect(await row.locator('.address').first().getAttribute('title')).toBe(pkp.address);

    // The Mint/Grant/Burn PKP from the Actions test is burned: listed apart, not signable, no passkey.
    const burned = (await chain.api.call('pkpList', {})).pkps.filter((p) => p.owner === 'burned');
    expect(burned.length).toBeGreaterThan(0);
    expect(await page.getByTestId('burned-pkp').count()).toBe(burned.length);
    for (const b of burned) {
      expect(await page.locator(`[data-testid="pkp-row"] [data-address="${b.ethAddress}"]`).count()).toBe(0);
      expect(await page.getByRole('button', { name: `Add a passkey to ${b.ethAddress}` }).count()).toBe(0);
      const options = await page.getByTestId('sign-pkp').locator('option').allTextContents();
      expect(options.some((o) => o.includes(b.ethAddress))).toBe(false);
    }
    await page.screenshot({ path: screenshotPath('ux-pkps'), fullPage: true });
  });

  it('labels known contracts and shows auth methods as what they are', async () => {
    const status = await chain.api.call('status', {});
    const friend = ethers.Wallet.createRandom().address;
    await chain.api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: friend, scopes: [1] },
    });
    await page.getByRole('button', { name: `Open ${pkp.address}` }).click();
    await page.getByTestId('pkp-facts').waitFor();
    const rows = page.getByTestId('address-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().locator('.address-name').textContent()).toBe('Wallet account');
    // A transaction to PKPPermissions is named on its detail page.
    await page.getByTestId('pkp-history').getByRole('button').last().click();
    await page.getByTestId('tx-detail').waitFor();
    const to = page.getByTestId('tx-detail').locator(`[data-address="${status.contracts!.PKPPermissions}"]`);
    expect(await to.locator('.address-name').textContent()).toBe('PKPPermissions');
    expect(await page.getByTestId('tx-call').textContent()).toMatch(/^PKPPermissions\.addPermittedAddress/);
  });
});

describe('granting an action', () => {
  it('confirms with a scope choice, and says so instead of sending again when it is already granted', async () => {
    const pkp = (await chain.api.call('pkpList', {})).pkps.find((p) => p.owner === 'wallet')!;
    await nav('Actions').click();
    const cid = (await page.getByTestId('action-cid').textContent())!;
    await page.getByLabel('Grant to PKP').selectOption(pkp.publicKey);
    await page.getByTestId('grant-scope').selectOption('2');
    await page.getByTestId('grant-action').click();
    const dialog = page.getByRole('dialog', { name: 'Grant this action to the PKP?' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await rowValue(dialog, 'Scope')).toBe('PersonalSign');
    expect(await rowValue(dialog, 'Action (CID)')).toBe(cid);
    await page.screenshot({ path: screenshotPath('ux-grant-confirm') });
    await dialog.getByTestId('confirm').click();
    await expect.poll(() => page.getByTestId('actions-notice').textContent(), { timeout: 60_000 }).toMatch(/^Granted/);
    const details = await chain.api.call('pkpDetails', { publicKey: pkp.publicKey });
    expect(details.actions.find((a) => a.ipfsId === cid)?.scopes).toEqual([2]);

    // Again: nothing is sent, and the page says why.
    const grantsBefore = (await chain.api.call('activity', { query: 'granted' })).entries.length;
    await page.getByTestId('grant-action').click();
    await expect
      .poll(() => page.getByTestId('actions-notice').textContent(), { timeout: 30_000 })
      .toMatch(/already granted PersonalSign/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect((await chain.api.call('activity', { query: 'granted' })).entries.length).toBe(grantsBefore);
  });
});

describe('amounts, history, toasts and safety in Send', () => {
  it('sends with Max, clears the form, toasts, and shows both sides in per-account history with a detail view', async () => {
    const from = await mintAndOpenPkp(page);
    const to = await chain.api.call('pkpMint', {});
    await page.getByTestId('faucet').click();
    await expect.poll(() => page.getByTestId('pkp-balance').textContent(), { timeout: 30_000 }).toBe('10 ETH');

    await pkpTab(page, 'Send');
    await page.getByTestId('send-to').fill(to.ethAddress);
    await page.getByTestId('send-max').click();
    await expect
      .poll(
        async () =>
          (await page.getByTestId('send-amount').inputValue()) ||
          ((await fieldError(page.getByTestId('send-amount'))) ?? ''),
        // Max asks the host for gas and fees (a preview): a round trip to the chain.
        { timeout: 30_000 },
      )
      .toMatch(/^9\.99/);
    // Max leaves just the fee: value plus the most the fee can be fits the balance.
    await page.getByTestId('send-amount').fill('1.5');
    await page.getByTestId('review-send').click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the transaction' });
    await dialog.waitFor();
    // Cancel has the focus: a second Enter cannot send.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cancel');
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('receipt').waitFor({ timeout: 60_000 });
    // Earlier toasts (the mint, the faucet) may still be there: this one says the send.
    await page
      .getByTestId('toast')
      .filter({ hasText: /Sent 1\.5 ETH: mined in block/ })
      .waitFor();
    expect(await page.getByTestId('send-to').inputValue()).toBe('');
    expect(await page.getByTestId('send-amount').inputValue()).toBe('');

    // The sender's history: the send and the faucet.
    await pkpTab(page, 'History');
    const sent = page.locator('[data-testid="history-entry"][data-kind="sent"]');
    await sent.first().waitFor({ timeout: 30_000 });
    expect(await sent.first().textContent()).toContain('−1.5 ETH');
    expect(await page.locator('[data-testid="history-entry"][data-kind="faucet"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('ux-history'), fullPage: true });

    // The transaction's detail, from its hash.
    await sent.first().getByTestId('history-tx').click();
    await page.getByTestId('tx-detail').waitFor();
    expect(await page.getByTestId('tx-status').textContent()).toBe('success');
    expect(await page.getByTestId('tx-value').locator('.amount').getAttribute('title')).toBe('1.5 ETH');
    expect(await page.getByTestId('tx-detail').locator(`[data-address="${from.address}"]`).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('ux-transaction'), fullPage: true });
    // Back returns to the history.
    await page.goBack();
    await page.getByTestId('account-history').waitFor();

    // The recipient's history shows the incoming ETH.
    await page.goto(`${sandbox.baseUrl}/#/pkp/${to.publicKey}/history`);
    const received = page.locator('[data-testid="history-entry"][data-kind="received"]');
    await received.first().waitFor({ timeout: 30_000 });
    expect(await received.first().textContent()).toContain('+1.5 ETH');
  });
});

describe('honest status', () => {
  it('says below threshold in the header, and why mint and sign would wait; then ready again', async () => {
    const status = await chain.api.call('status', {});
    const stopped = status.nodes.slice(0, status.nodeCount - status.threshold + 1).map((n) => n.index);
    for (const index of stopped) await chain.api.call('stopNode', { index });
    await nav('PKPs').click();
    await expect
      .poll(() => page.getByTestId('topbar-network').textContent(), { timeout: 30_000 })
      .toMatch(/^Below threshold/);
    expect(await page.getByTestId('sign-wait').textContent()).toMatch(/signing needs \d/);
    expect(await page.getByTestId('mint-wait').textContent()).toMatch(/signing needs \d/);
    await page.screenshot({ path: screenshotPath('ux-below-threshold') });
    for (const index of stopped) await chain.api.call('startNode', { index });
    await expect
      .poll(() => page.getByTestId('topbar-network').textContent(), { timeout: 60_000 })
      .toMatch(/^Sandbox ready/);
    expect(await page.getByTestId('sign-wait').count()).toBe(0);
  });
});

describe('URLs, tabs and narrow windows', () => {
  it('gives each page and PKP tab a URL; Back and reload stay; a second tab needs no token', async () => {
    const pkp = (await chain.api.call('pkpList', {})).pkps.find((p) => p.owner === 'wallet')!;
    await page.getByRole('button', { name: `Open ${pkp.ethAddress}` }).click();
    await pkpTab(page, 'Sign message');
    expect(new URL(page.url()).hash).toBe(`#/pkp/${pkp.publicKey}/message`);
    await page.reload();
    await page.getByRole('navigation', { name: 'This PKP' }).waitFor({ timeout: 30_000 });
    expect(
      await page
        .getByRole('navigation', { name: 'This PKP' })
        .getByRole('button', { name: 'Sign message' })
        .getAttribute('aria-current'),
    ).toBe('page');
    await pkpTab(page, 'Send');
    await page.goBack();
    expect(new URL(page.url()).hash).toBe(`#/pkp/${pkp.publicKey}/message`);

    // A second tab of the same browser, opened on a bare address: the first tab gives it the token.
    const second = await context.newPage();
    await second.goto(`${sandbox.baseUrl}/#/activity`);
    await second.getByRole('heading', { name: 'Activity' }).waitFor({ timeout: 30_000 });
    await second.screenshot({ path: screenshotPath('ux-second-tab') });
    await second.close();

    // Another browser (no tab with the token): still refused.
    const stranger = await browser.newPage();
    await stranger.goto(`${sandbox.baseUrl}/#/activity`);
    await stranger.getByRole('alert').waitFor({ timeout: 10_000 });
    expect(await stranger.getByRole('alert').textContent()).toMatch(/needs the address the Litbox host printed/);
    await stranger.close();
  });

  it('works at 390 and 800 px wide with no sideways scrolling', async () => {
    const pkp = (await chain.api.call('pkpList', {})).pkps.find((p) => p.owner === 'wallet')!;
    const pages = [
      '#/pkps',
      `#/pkp/${pkp.publicKey}/overview`,
      `#/pkp/${pkp.publicKey}/history`,
      '#/activity',
      '#/actions/run',
      '#/actions/verify',
      '#/encryption',
      '#/network',
      '#/settings',
    ];
    for (const width of [390, 800]) {
      await page.setViewportSize({ width, height: 844 });
      for (const hash of pages) {
        await page.goto(`${sandbox.baseUrl}/${hash}`);
        await page.locator('main h1').first().waitFor({ timeout: 30_000 });
        await page.waitForTimeout(300);
        const { scrollWidth, width: shown, culprit } = await noSidewaysScroll(page);
        expect(scrollWidth, `${hash} at ${width} px, made wide by ${culprit}`).toBeLessThanOrEqual(shown);
      }
      await page.goto(`${sandbox.baseUrl}/#/pkps`);
      await page.locator('main h1').first().waitFor();
      await page.screenshot({ path: screenshotPath(`ux-pkps-${width}`), fullPage: true });
    }
    // The side navigation folds behind a button on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await nav('Activity').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Sections menu' }).click();
    await nav('Activity').click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await page.screenshot({ path: screenshotPath('ux-activity-390'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

/** Where the UI's time goes for one click, measured inside the page (no test-driver round trips). */
interface InPageTiming {
  /** The click event to the request leaving (handlers, state, a re-render before the call). */
  beforeRequest: number;
  /** The request as the browser saw it: the host's work and the loopback. */
  request: number;
  /** The response's last byte to the result in the DOM (parsing, state updates, React's commit). */
  afterResponse: number;
  /** The result in the DOM to the next frame painted. */
  toPaint: number;
}

/**
 * Arms a measurement before a click: when `testId` (re)appears (or, with `more`, one more of
 * them is in the DOM), the page resolves window.uiTiming with the click-to-paint breakdown.
 */
function armInPageTiming(p: Page, call: string, testId: string, more = false): Promise<void> {
  return p.evaluate(
    ({ call, testId, more }) => {
      const w = window as unknown as { uiTiming?: Promise<unknown> };
      const count = () => document.querySelectorAll(`[data-testid="${testId}"]`).length;
      const start = count();
      w.uiTiming = new Promise((resolve) => {
        let clickAt = NaN;
        document.addEventListener('click', (e) => (clickAt = e.timeStamp), { capture: true, once: true });
        let goneFirst = more || start === 0;
        const seen = new MutationObserver(() => {
          const now = count();
          if (!more && now === 0) goneFirst = true;
          if (!(more ? now > start : goneFirst && now > 0)) return;
          const domAt = performance.now();
          seen.disconnect();
          requestAnimationFrame(() =>
            setTimeout(() => {
              const paintAt = performance.now();
              const request = performance
                .getEntriesByType('resource')
                .filter((e) => e.name.endsWith(`/api/${call}`))
                .at(-1) as PerformanceResourceTiming;
              resolve({
                beforeRequest: request.startTime - clickAt,
                request: request.responseEnd - request.startTime,
                afterResponse: domAt - request.responseEnd,
                toPaint: paintAt - domAt,
              });
            }, 0),
          );
        });
        seen.observe(document.body, { childList: true, subtree: true });
      });
    },
    { call, testId, more },
  );
}

const inPageTiming = (p: Page) => p.evaluate(() => (window as unknown as { uiTiming: Promise<InPageTiming> }).uiTiming);

describe('what the UI adds to the API', () => {
  it('measures click to result on screen for sign, mint and send, beside the API call in the same run', async () => {
    const apiMs = (name: string) =>
      page.evaluate((call) => {
        const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/api/${call}`));
        return entries.at(-1)?.duration ?? NaN;
      }, name);
    await page.setViewportSize({ width: 1280, height: 800 });
    const figures: Record<string, { clickToScreen: number; api: number; inPage: InPageTiming }[]> = {
      sign: [],
      mint: [],
      send: [],
    };
    await nav('PKPs').click();
    await page.getByTestId('sign-pkp').waitFor();
    for (let i = 0; i < 5; i++) {
      // Mint: click → the new row is on screen.
      const before = await page.getByTestId('pkp-row').count();
      await armInPageTiming(page, 'pkpMint', 'pkp-row', true);
      const mintStart = Date.now();
      await page.getByTestId('mint-pkp').click();
      await expect.poll(() => page.getByTestId('pkp-row').count(), { timeout: 60_000, interval: 5 }).toBe(before + 1);
      const mintMs = Date.now() - mintStart;
      figures.mint!.push({ clickToScreen: mintMs, api: await apiMs('pkpMint'), inPage: await inPageTiming(page) });

      // Sign: click → the signature is on screen.
      await page.getByRole('button', { name: 'Random digest' }).click();
      await armInPageTiming(page, 'pkpSign', 'signature-value');
      const signStart = Date.now();
      await page.getByTestId('sign-digest').click();
      await page.getByTestId('signature-value').waitFor({ timeout: 60_000 });
      const signMs = Date.now() - signStart;
      figures.sign!.push({ clickToScreen: signMs, api: await apiMs('pkpSign'), inPage: await inPageTiming(page) });
    }
    const pkp = (await chain.api.call('pkpList', {})).pkps.find((p) => p.owner === 'wallet')!;
    await chain.api.call('faucet', { address: pkp.ethAddress, amountEth: '10' });
    await page.goto(`${sandbox.baseUrl}/#/pkp/${pkp.publicKey}/send`);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('send-to').fill(ethers.Wallet.createRandom().address);
      await page.getByTestId('send-amount').fill('0.01');
      await page.getByTestId('review-send').click();
      const dialog = page.getByRole('dialog', { name: 'Confirm the transaction' });
      await dialog.waitFor();
      await armInPageTiming(page, 'pkpSend', 'receipt');
      const sendStart = Date.now();
      await dialog.getByTestId('confirm').click();
      await page.getByTestId('receipt').waitFor({ timeout: 60_000 });
      const sendMs = Date.now() - sendStart;
      figures.send!.push({ clickToScreen: sendMs, api: await apiMs('pkpSend'), inPage: await inPageTiming(page) });
      await page.getByTestId('receipt').waitFor({ state: 'visible' });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = Object.fromEntries(
      Object.entries(figures).map(([name, runs]) => [
        name,
        {
          clickToScreenMs: median(runs.map((r) => r.clickToScreen)),
          apiMs: Math.round(median(runs.map((r) => r.api))),
          uiAddsMs: Math.round(median(runs.map((r) => r.clickToScreen - r.api))),
          // Inside the page: what the UI itself adds, by stage (the rest of uiAddsMs is the test driver's round trips).
          inPage: Object.fromEntries(
            (['beforeRequest', 'request', 'afterResponse', 'toPaint'] as const).map((stage) => [
              stage,
              Math.round(median(runs.map((r) => r.inPage[stage]))),
            ]),
          ),
          inPageUiAddsMs: Math.round(
            median(runs.map((r) => r.inPage.beforeRequest + r.inPage.afterResponse + r.inPage.toPaint)),
          ),
        },
      ]),
    );
    console.log(
      `UI timing (median of 5, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}):`,
      JSON.stringify(summary),
    );
    for (const runs of Object.values(figures)) for (const r of runs) expect(r.api).toBeGreaterThan(0);
  });
});
