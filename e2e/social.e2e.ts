import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { ceramicWorkspaceDir } from '../app/host/ceramic/ceramic-workspace.ts';
import { launchChromium, openWallet, screenshotPath } from './browser.ts';

// Needs the optional Ceramic workspace (CI installs it and sets LITBOX_REQUIRE_CERAMIC).
const installed = fs.existsSync(path.join(ceramicWorkspaceDir(), 'node_modules', '@ceramicnetwork', 'cli'));

describe.skipIf(!installed && !process.env.LITBOX_REQUIRE_CERAMIC)('the social example in Chromium', () => {
  let sandbox: RunningSandbox;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandbox([
      '--nodes',
      '3',
      '--port',
      '0',
      '--ceramic',
      '--data-dir',
      tempDataDir('litbox-e2e-social-'),
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    expect(await sandbox?.stop()).toBe(0);
  });

  it('sets up the app, posts, likes once, and shows the refusal of a second like', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'Social', exact: true }).click();
    const setup = page.getByRole('button', { name: 'Set up the example' });
    await setup.waitFor({ timeout: 60_000 });
    await expect.poll(() => setup.isEnabled(), { timeout: 60_000 }).toBe(true);
    await setup.click();
    await page.getByRole('status').filter({ hasText: 'burned it' }).waitFor({ timeout: 60_000 });

    await page.getByLabel('New post').fill('gm from Chromium');
    await page.getByRole('button', { name: 'Post (runs createPost)' }).click();
    const posts = page.getByRole('list', { name: 'Posts' });
    await posts.getByText('gm from Chromium').waitFor({ timeout: 30_000 });

    await posts.getByRole('button', { name: 'Like (runs likePost)' }).first().click();
    await posts.getByText('1 like(s)').waitFor({ timeout: 30_000 });
    await posts.getByRole('button', { name: 'Like (runs likePost)' }).first().click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/already liked post 1/);
    expect(await posts.getByText('1 like(s)').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('social-feed'), fullPage: true });

    // The proof, on the Verify page: the two actions and nothing else can write the feed.
    const shown = async (term: string) =>
      (await page.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').textContent())!.trim();
    const streamId = await shown('Feed stream');
    const actions = [await shown('createPost'), await shown('likePost')];
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByLabel('Stream ID').fill(streamId);
    await page.getByLabel('Action CIDs (comma or space separated)').fill(actions.join(', '));
    await page.getByRole('button', { name: 'Verify the stream' }).click();
    await expect
      .poll(() => page.getByTestId('stream-verdict').textContent(), { timeout: 30_000 })
      .toMatch(/Only these actions can write this stream/);
    // One of the two is not the whole set: not proven.
    await page.getByLabel('Action CIDs (comma or space separated)').fill(actions[0]!);
    await page.getByRole('button', { name: 'Verify the stream' }).click();
    await expect
      .poll(() => page.getByTestId('stream-verdict').textContent(), { timeout: 30_000 })
      .toMatch(/Not proven/);
  });
});
