import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ApiCallError, createApiClient } from '../app/shared/api/client.ts';
import { startSandbox, tempDataDir, type RunningSandbox } from '../testing/sandbox/spawn-cli.ts';
import { fieldError, launchChromium, openWallet, screenshotPath } from './browser.ts';

let sandbox: RunningSandbox;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startSandbox(['--nodes', '4', '--port', '0', '--data-dir', tempDataDir('litbox-e2e-encryption-')]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await sandbox?.stop()).toBe(0);
});

describe('access-controlled encryption in Chromium', () => {
  it('encrypts under conditions built in the form, decrypts when they hold, shows why when they do not', async () => {
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'Encryption', exact: true }).click();
    const encrypt = page.getByRole('form', { name: 'Encrypt' });
    const decrypt = page.getByRole('form', { name: 'Decrypt' });

    // Bad input: an amount that is not one; the message shows next to the field, nothing is sent.
    const amount = encrypt.getByLabel('Amount (ETH)');
    await amount.fill('lots');
    await encrypt.getByTestId('plaintext').fill('for the wallet account');
    await encrypt.getByRole('button', { name: 'Encrypt' }).click();
    expect(await fieldError(amount)).toMatch(/Enter an amount of ETH/);
    expect(await encrypt.getByTestId('encrypted').count()).toBe(0);

    // The wallet account holds sandbox ETH: a 1 ETH balance condition holds for it.
    await amount.fill('1');
    expect(await encrypt.getByTestId('conditions-json').inputValue()).toContain('"eth_getBalance"');
    await encrypt.getByRole('button', { name: 'Encrypt' }).click();
    const record = encrypt.getByLabel('Encrypted record');
    await record.waitFor({ timeout: 30_000 });
    const sealed = JSON.parse(await record.inputValue()) as { format: string; ciphertext: string };
    expect(sealed.format).toBe('litbox-encrypted/v1');
    expect(JSON.stringify(sealed)).not.toContain('for the wallet account');
    await page.screenshot({ path: screenshotPath('encryption-encrypt'), fullPage: true });

    await decrypt.getByTestId('record').fill(await record.inputValue());
    await decrypt.getByRole('button', { name: 'Decrypt' }).click();
    await expect
      .poll(() => decrypt.getByTestId('decrypted-text').textContent(), { timeout: 30_000 })
      .toBe('for the wallet account');
    expect(await decrypt.getByTestId('decrypted').textContent()).toMatch(/shares of nodes \d, \d, \d/);
    await page.screenshot({ path: screenshotPath('encryption-decrypt'), fullPage: true });

    // A second condition joined by "and" that no one meets: every node refuses, the reasons show.
    await encrypt.getByRole('button', { name: 'Add a condition' }).click();
    await encrypt.getByTestId('condition-kind').nth(1).selectOption('address');
    await encrypt.getByTestId('condition-value').nth(1).fill('0x000000000000000000000000000000000000dEaD');
    await encrypt.getByRole('button', { name: 'Encrypt' }).click();
    await expect
      .poll(async () => (await record.inputValue()).includes('0x000000000000000000000000000000000000dEaD'), {
        timeout: 30_000,
      })
      .toBe(true);
    await decrypt.getByTestId('record').fill(await record.inputValue());
    await decrypt.getByRole('button', { name: 'Decrypt' }).click();
    const refusal = decrypt.getByTestId('refusal');
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(/conditions are not met for 0x[0-9a-fA-F]{40}/);
    expect(await refusal.locator('li').count()).toBe(4); // one reason per node
    expect(await decrypt.getByTestId('decrypted').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('encryption-refused'), fullPage: true });
  });

  it('refuses conditions the nodes cannot check, naming the field (a 400 with fields; next to the JSON)', async () => {
    const uncheckable = [
      {
        contractAddress: '',
        standardContractType: '',
        chain: 'litbox',
        method: 'eth_call',
        parameters: [':userAddress'],
        returnValueTest: { comparator: '=', value: '1' },
      },
    ];
    // The API: a 400 whose structured error names the field, not a 500 and not an encrypted record.
    const api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });
    const refusal = await api
      .call('encrypt', { conditions: uncheckable, text: 'never readable' })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiCallError);
    expect((refusal as ApiCallError).status).toBe(400);
    expect(Object.keys((refusal as ApiCallError).fields ?? {})).toEqual(['conditions.0.method']);

    // The UI: the message sits at the conditions JSON, naming the field; nothing is encrypted.
    const page = await browser.newPage();
    await openWallet(page, sandbox.uiUrl);
    await page.getByRole('button', { name: 'Encryption', exact: true }).click();
    const encrypt = page.getByRole('form', { name: 'Encrypt' });
    await encrypt.getByText('Conditions as JSON').click();
    await encrypt.getByLabel('Edit the JSON by hand').check();
    const json = encrypt.getByTestId('conditions-json');
    await json.fill(JSON.stringify(uncheckable));
    await encrypt.getByTestId('plaintext').fill('never readable');
    await encrypt.getByRole('button', { name: 'Encrypt' }).click();
    await expect
      .poll(() => fieldError(json), { timeout: 30_000 })
      .toMatch(/conditions\.0\.method: the nodes cannot check method "eth_call"/);
    expect(await encrypt.getByTestId('encrypted').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('encryption-uncheckable'), fullPage: true });
    await page.close();
  });
});
