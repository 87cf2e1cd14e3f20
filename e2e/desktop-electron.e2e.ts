import { afterAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication } from 'playwright-core';
import {
  hostPid,
  processesInGroup,
  processesMentioning,
  REPO_ROOT,
  smallNetworkDataDir,
  tempUserData,
} from '../testing/desktop/shell-under-test.ts';

/**
 * The desktop app in a real Electron, through Playwright's Electron support. Electron's binary
 * cannot be downloaded on our machines, so this runs only where LITBOX_ELECTRON names one
 * (e.g. node_modules/electron/dist/electron after a normal `npm ci`); elsewhere the same
 * lifecycle runs against the Electron double in app/main/desktop-shell.int.test.ts.
 * (A packaged app has the --inspect fuse off, which Playwright needs: run this on the checkout.)
 */

const ELECTRON = process.env.LITBOX_ELECTRON;
const WALLET = '[data-testid="open-wallet"], nav[aria-label="Sections"]';
let electronApp: ElectronApplication | undefined;

afterAll(async () => {
  await electronApp?.close().catch(() => undefined);
});

describe.skipIf(!ELECTRON)('the desktop app in a real Electron window', () => {
  it('shows its window at once, then the wallet; quitting waits until no anvil or node is left', async () => {
    const userData = tempUserData('litbox-electron-');
    await smallNetworkDataDir(userData, 'keychain');
    const launchedAt = Date.now();
    electronApp = await _electron.launch({
      executablePath: ELECTRON,
      args: [REPO_ROOT],
      cwd: REPO_ROOT,
      env: { ...(process.env as Record<string, string>), LITBOX_DATA_DIR: userData },
    });
    const window = await electronApp.firstWindow();
    const windowAt = Date.now() - launchedAt;
    await window.locator(WALLET).first().waitFor({ timeout: 120_000 });
    console.log(`real Electron: first window ${windowAt} ms, wallet ${Date.now() - launchedAt} ms after launch`);
    const menuRoles = await electronApp.evaluate(({ Menu }) =>
      Menu.getApplicationMenu()?.items.map((item) => String(item.role ?? item.label).toLowerCase()),
    );
    expect(menuRoles).toEqual(expect.arrayContaining(['editmenu', 'windowmenu', 'help']));

    const pid = hostPid(userData);
    const closed = new Promise<void>((resolve) => electronApp!.once('close', () => resolve()));
    await electronApp.evaluate(({ app }) => app.quit());
    await closed;
    electronApp = undefined;
    expect(processesInGroup(pid)).toEqual([]);
    expect(processesMentioning(userData)).toEqual([]);
  });
});
