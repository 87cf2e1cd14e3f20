import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants } from '../../testing/process-tree.ts';
import {
  hostPid,
  processesInGroup,
  processesMentioning,
  randomSafeStorageKey,
  ShellUnderTest,
  smallNetworkDataDir,
  stillRunning,
  tempUserData,
} from '../../testing/desktop/shell-under-test.ts';

/**
 * The desktop app's lifecycle: the compiled main process (out/main) run under plain Node
 * against the Electron double (testing/desktop/electron-double.ts; Electron's binary cannot
 * be downloaded here), with the real host, anvil and nodes, and the window's pages in
 * Debian's Chromium. Each data directory holds a 3-node network.
 */

const WALLET = '[data-testid="open-wallet"], nav[aria-label="Sections"]';
const launched: ShellUnderTest[] = [];

function launch(...args: ConstructorParameters<typeof ShellUnderTest>): ShellUnderTest {
  const shell = new ShellUnderTest(...args);
  launched.push(shell);
  return shell;
}

afterAll(() => {
  for (const shell of launched) shell.kill();
});

/** Quits as the menu's Quit does and asserts the app exited with nothing of the network left. */
async function quitAndExpectNothingLeft(shell: ShellUnderTest, userData: string, hostPids: number[]): Promise<void> {
  const code = await shell.quit();
  // Its output says why, should it ever exit otherwise. Seen in CI: Playwright's client threw for
  // a page the quit had just closed, and the double exited with 1 (electron-double.ts now takes
  // that as the page going away).
  expect(code, shell.output.slice(-3000)).toBe(0);
  for (const pid of hostPids) expect(processesInGroup(pid)).toEqual([]);
  expect(processesMentioning(userData)).toEqual([]);
  // The window showed "stopping" while the host stopped; the chain state was saved.
  expect(shell.events.some((e) => e.double === 'load' && String(e.url).endsWith('shell-page/index.html'))).toBe(true);
  expect(fs.existsSync(path.join(userData, 'host.lock'))).toBe(false);
}

describe('the desktop app with the OS keychain', () => {
  const userData = tempUserData('litbox-shell-keychain-');

  it('quit right after the first start waits for the host: no anvil or node is left', async () => {
    await smallNetworkDataDir(userData, 'keychain');
    const shell = launch({ userData });
    await shell.waitForHostUi();
    const pid = hostPid(userData);
    await quitAndExpectNothingLeft(shell, userData, [pid]);
  });

  let shell: ShellUnderTest;
  const hostPids: number[] = [];

  it('opens its window at once, then the onboarding view, then the wallet', async () => {
    shell = launch({ userData });
    const shown = await shell.waitFor('window-shown');
    const firstLoad = shell.events.find((e) => e.double === 'load');
    // Its own page, unless the host's UI was up before the window (the host now listens in about
    // half a second on an existing data directory, sometimes before the browser is ready).
    expect(String(firstLoad?.url)).toMatch(/shell-page\/index\.html$|^http:\/\/localhost:\d+\/#token=/);
    const ui = await shell.waitForHostUi();
    expect(ui.at).toBeGreaterThan(0);
    await shell.page('wait', WALLET);
    const usable = performance.now() - shell.started;
    hostPids.push(hostPid(userData));
    const ready = shell.events.find((e) => e.double === 'ready')!;
    console.log(
      `desktop shell (double): browser ready ${ready.at.toFixed(0)} ms, window shown ${shown.at.toFixed(0)} ms, ` +
        `host UI loaded ${ui.at.toFixed(0)} ms, wallet on screen ${usable.toFixed(0)} ms after launch; ` +
        `uptime: ${execFileSync('uptime').toString().trim()}`,
    );
    // Edit/View/Window/Help with their standard roles, and About.
    const menu = shell.events.find((e) => e.double === 'menu')!.items as {
      role?: string;
      submenu?: { role?: string }[];
    }[];
    expect(menu.map((m) => m.role)).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'help']));
    expect(menu.find((m) => m.role === 'help')!.submenu!.map((i) => i.role)).toContain('about');
  });

  it('a second launch focuses the first window and exits', async () => {
    shell.send({ cmd: 'minimize' });
    await shell.waitFor('window-minimized');
    const from = shell.events.length;
    const second = launch({ userData });
    expect(await second.exited).toBe(0);
    expect(second.events.some((e) => e.double === 'window-created')).toBe(false);
    await shell.waitFor('second-instance', undefined, 10_000, from);
    await shell.waitFor('window-restored', undefined, 10_000, from);
    await shell.waitFor('window-focused', undefined, 10_000, from);
  });

  it('grants only its own origin the clipboard and passkeys, guards navigation, and opens only its own links', async () => {
    const hostUrl = String(await shell.page('url'));
    const origin = new URL(hostUrl).origin;
    const permission = (kind: string, name: string, url: string) =>
      shell.ask<boolean>({ cmd: 'permission', kind, permission: name, url });
    expect(await permission('check', 'clipboard-sanitized-write', origin)).toBe(true);
    expect(await permission('check', 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(await permission('request', 'clipboard-sanitized-write', `${origin}/`)).toBe(true);
    for (const name of ['media', 'geolocation', 'notifications', 'hid', 'openExternal'])
      expect(await permission('request', name, `${origin}/`)).toBe(false);

    // WebAuthn: a passkey is chosen only for the app's own pages and its relying party; a
    // page cannot reach a security key past WebAuthn (WebHID, WebUSB, Web Serial).
    type Choice = { answered: boolean; credentialId: string | null };
    const one = [{ credentialId: 'cred-one', name: 'one' }];
    const two = [
      { credentialId: 'cred-a', name: 'a' },
      { credentialId: 'cred-b', name: 'b' },
    ];
    const choose = (frameUrl: string | null, relyingPartyId: string, accounts = one) =>
      shell.ask<Choice>({ cmd: 'webauthn-account', frameUrl, relyingPartyId, accounts });
    expect(await choose(`${origin}/`, 'localhost')).toEqual({ answered: true, credentialId: 'cred-one' });
    expect(await choose('https://evil.example/', 'localhost')).toEqual({ answered: true, credentialId: null });
    expect(await choose('http://localhost:1/', 'localhost')).toEqual({ answered: true, credentialId: null });
    expect(await choose(`${origin}/`, 'evil.example')).toEqual({ answered: true, credentialId: null });
    expect(await choose(null, 'localhost')).toEqual({ answered: true, credentialId: null });
    let from = shell.events.length;
    shell.send({ cmd: 'dialog-answer', response: 1 });
    expect(await choose(`${origin}/`, 'localhost', two)).toEqual({ answered: true, credentialId: 'cred-b' });
    expect((await shell.waitFor('message-box', undefined, 5_000, from)).buttons).toEqual(['a', 'b', 'Cancel']);
    shell.send({ cmd: 'dialog-answer', response: 2 }); // Cancel
    expect(await choose(`${origin}/`, 'localhost', two)).toEqual({ answered: true, credentialId: null });
    from = shell.events.length;
    expect(await choose('https://evil.example/', 'localhost', two)).toEqual({ answered: true, credentialId: null });
    expect(shell.events.slice(from).some((e) => e.double === 'message-box')).toBe(false);
    for (const deviceType of ['hid', 'usb', 'serial'])
      expect(await shell.ask({ cmd: 'device-permission', deviceType, origin })).toBe(false);

    const prevented = (name: string, url: string) => shell.ask<boolean>({ cmd: 'contents-event', name, url });
    expect(await prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(await prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(await prevented('will-navigate', `${origin}/pkps`)).toBe(false);
    expect(await prevented('will-redirect', 'https://evil.example/')).toBe(true);
    expect(await prevented('will-frame-navigate', 'https://evil.example/')).toBe(true);

    from = shell.events.length;
    expect(await shell.ask({ cmd: 'window-open', url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(await shell.ask({ cmd: 'window-open', url: 'https://accounts.google.com/o/oauth2/v2/auth?x=1' })).toEqual({
      action: 'deny',
    });
    await shell.waitFor('open-external', (e) => String(e.url).startsWith('https://accounts.google.com/'), 5_000, from);
    expect(shell.events.slice(from).filter((e) => e.double === 'open-external')).toHaveLength(1);

    // The bridge refuses calls from pages other than the app's own.
    await expect(
      shell.ask({
        cmd: 'invoke',
        channel: 'shell:open-external',
        args: ['http://127.0.0.1:1/'],
        senderUrl: 'https://evil.example/',
      }),
    ).rejects.toThrow(/refused/);
    await expect(
      shell.ask({ cmd: 'invoke', channel: 'shell:submit-passphrase', args: [{ passphrase: 'x' }], senderUrl: hostUrl }),
    ).rejects.toThrow(/refused/);
    await expect(
      shell.ask({
        cmd: 'invoke',
        channel: 'shell:open-external',
        args: ['file:///etc/passwd'],
        senderUrl: `${origin}/`,
      }),
    ).rejects.toThrow(/refused/);

    // The shell's CSP on the host's pages refuses inline styles too, and the UI still renders.
    const inlineStyle = `(() => {
      const probe = document.createElement('div');
      probe.setAttribute('style', 'color: rgb(1, 2, 3)');
      document.body.append(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    })()`;
    expect(await shell.page('evaluate', undefined, inlineStyle)).not.toBe('rgb(1, 2, 3)');
    expect(await shell.page('evaluate', undefined, `getComputedStyle(document.body).backgroundColor`)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
  });

  it('restarts a host that dies, then shows its last log lines and a Restart button', async () => {
    let from = shell.events.length;
    process.kill(hostPids.at(-1)!, 'SIGKILL');
    await shell.waitForHostUi(from);
    await shell.page('wait', WALLET);
    hostPids.push(hostPid(userData));

    from = shell.events.length;
    process.kill(hostPids.at(-1)!, 'SIGKILL');
    await shell.page('wait', '[data-testid="host-stopped"]');
    expect(String(await shell.page('text', '[data-testid="host-stopped"] [role="alert"]'))).toMatch(/signal SIGKILL/);
    expect(String(await shell.page('text', '[data-testid="host-log-tail"]'))).toMatch(/litbox: /);
    expect(shell.events.slice(from).some((e) => e.double === 'load' && String(e.url).startsWith('http'))).toBe(false);

    from = shell.events.length;
    await shell.page('click', '[data-testid="restart-host"]');
    await shell.waitForHostUi(from);
    await shell.page('wait', WALLET);
    hostPids.push(hostPid(userData));
  });

  // The chain's state across quits: the faucet adds to a balance, which must still be there.
  const account = '0x00000000000000000000000000000000000000aa';
  let balanceWei = 0n;
  const topUp = async (on: ShellUnderTest): Promise<void> => {
    const { balanceWei: after } = await on.hostApi<{ balanceWei: string }>('faucet', {
      address: account,
      amountEth: '1',
    });
    // The balance the earlier quit left, plus 1 ETH: that quit saved the chain.
    expect(BigInt(after)).toBe(balanceWei + 10n ** 18n);
    balanceWei = BigInt(after);
  };

  it('closing the window quits and waits for the host', async () => {
    await topUp(shell);
    shell.send({ cmd: 'close-window' });
    expect(await shell.exited).toBe(0);
    for (const pid of hostPids) expect(processesInGroup(pid)).toEqual([]);
    expect(processesMentioning(userData)).toEqual([]);
    expect(fs.existsSync(path.join(userData, 'host.lock'))).toBe(false);
  });

  // The platform's other ways: SIGTERM (logout, `kill`, systemd), SIGINT (Ctrl+C in a
  // terminal), and the OS shutting down (powerMonitor's `shutdown`, which the app delays).
  for (const way of ['SIGTERM', 'SIGINT', 'os-shutdown'] as const)
    it(`quits on ${way} and waits for the host: anvil and every node gone, the lock removed, the chain kept`, async () => {
      const next = launch({ userData });
      await next.waitForHostUi();
      await next.page('wait', WALLET);
      await topUp(next);
      const pid = hostPid(userData);
      const family = [pid, ...descendants(pid)];
      expect(family.length).toBeGreaterThanOrEqual(5); // the host, anvil and 3 nodes at least
      const from = next.events.length;
      if (way === 'os-shutdown')
        expect(await next.ask({ cmd: 'os-shutdown' })).toBe(true); // shutdown delayed
      else next.child.kill(way);
      expect(await next.exited).toBe(0);
      // The window said "stopping" while the host stopped.
      expect(
        next.events.slice(from).some((e) => e.double === 'load' && String(e.url).endsWith('shell-page/index.html')),
      ).toBe(true);
      expect(stillRunning(family)).toEqual([]);
      expect(processesInGroup(pid)).toEqual([]);
      expect(processesMentioning(userData)).toEqual([]);
      expect(fs.existsSync(path.join(userData, 'host.lock'))).toBe(false);
      expect(next.output).not.toMatch(/did not stop within/);
    });

  it('the state the last quit saved is there at the next start', async () => {
    const last = launch({ userData });
    await last.waitForHostUi();
    await last.page('wait', WALLET);
    await topUp(last);
    await quitAndExpectNothingLeft(last, userData, [hostPid(userData)]);
  });
});

describe('the desktop app without an OS keychain', () => {
  const userData = tempUserData('litbox-shell-passphrase-');
  const passphrase = `choose-${randomSafeStorageKey().slice(0, 12)}`;

  // No secret store answers: D-Bus (libsecret, keytar's backend on Linux) is unreachable, and
  // safeStorage has only its "basic_text" backend.
  const noKeychain = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(userData, 'no-such-bus')}` };

  it('asks for a new passphrase in its window at the first start; it is never in argv, env or a log', async () => {
    await smallNetworkDataDir(userData); // new: the host tries the keychain, which fails
    const shell = launch({ userData, env: noKeychain });
    await shell.page('wait', '[data-testid="passphrase-dialog"]');
    expect(await shell.page('text', 'h1')).toBe('Choose a passphrase');
    await shell.page('fill', '#passphrase', 'short');
    await shell.page('fill', '#passphrase-again', 'short');
    await shell.page('click', '[data-testid="passphrase-submit"]');
    expect(await shell.page('text', '[data-testid="passphrase-error"]')).toMatch(/at least 8 characters/);
    await shell.page('fill', '#passphrase', passphrase);
    await shell.page('fill', '#passphrase-again', passphrase);
    await shell.page('click', '[data-testid="passphrase-submit"]');
    await shell.waitForHostUi();
    await shell.page('wait', WALLET);
    const pid = hostPid(userData);
    // The keychain was tried and did not answer: the data directory chose the passphrase file.
    const network = JSON.parse(fs.readFileSync(path.join(userData, 'network.json'), 'utf8')) as { vault: string };
    expect(network.vault).toBe('passphrase-file');
    expect(fs.existsSync(path.join(userData, 'vault.json'))).toBe(true);
    expect(fs.existsSync(path.join(userData, 'vault-passphrase.bin'))).toBe(false);
    // Not in the argv or environment of the shell, the host, anvil or any node.
    const family = [shell.child.pid!, pid, ...descendants(pid)];
    expect(family.length).toBeGreaterThanOrEqual(6);
    for (const member of family)
      for (const file of ['cmdline', 'environ'])
        expect(fs.readFileSync(`/proc/${member}/${file}`, 'utf8'), `${file} of ${member}`).not.toContain(passphrase);
    await quitAndExpectNothingLeft(shell, userData, [pid]);
    expect(shell.output).not.toContain(passphrase);
    for (const file of fs.readdirSync(path.join(userData, 'logs')))
      expect(fs.readFileSync(path.join(userData, 'logs', file), 'utf8')).not.toContain(passphrase);
  });

  it('asks for it at the next start, and says plainly when it is wrong', async () => {
    const shell = launch({ userData, env: noKeychain });
    await shell.page('wait', '[data-testid="passphrase-dialog"]');
    expect(await shell.page('text', 'h1')).toBe('Unlock Litbox');
    await shell.page('fill', '#passphrase', 'not the passphrase');
    await shell.page('click', '[data-testid="passphrase-submit"]');
    await shell.page('wait', '[data-testid="passphrase-error"]:has-text("wrong")');
    expect(await shell.page('text', '[data-testid="passphrase-error"]')).toBe('That passphrase is wrong. Try again.');
    await shell.page('fill', '#passphrase', passphrase);
    await shell.page('click', '[data-testid="passphrase-submit"]');
    await shell.waitForHostUi();
    await shell.page('wait', WALLET);
    await quitAndExpectNothingLeft(shell, userData, [hostPid(userData)]);
  });
});

describe('the desktop app with an OS secret store behind safeStorage', () => {
  const userData = tempUserData('litbox-shell-safestorage-');
  const safeStorageKey = randomSafeStorageKey();

  for (const start of ['first', 'next'])
    it(`keeps the vault passphrase there and asks nothing (${start} start)`, async () => {
      if (start === 'first') await smallNetworkDataDir(userData); // new: no vault chosen yet
      const shell = launch({ userData, safeStorageKey });
      await shell.waitForHostUi();
      await shell.page('wait', WALLET);
      expect(shell.events.filter((e) => e.double === 'load')).toHaveLength(2); // shell page, then the host's UI
      const network = JSON.parse(fs.readFileSync(path.join(userData, 'network.json'), 'utf8')) as { vault: string };
      expect(network.vault).toBe('passphrase-file');
      expect(fs.existsSync(path.join(userData, 'vault.json'))).toBe(true);
      expect(fs.existsSync(path.join(userData, 'vault-passphrase.bin'))).toBe(true);
      await quitAndExpectNothingLeft(shell, userData, [hostPid(userData)]);
    });
});
