import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, createApiClient } from '../../shared/api/client.ts';
import { apiCalls, type ApiCallName } from '../../shared/api/contract.ts';
import { WalletInputError } from '../wallet/pkp-wallet-service.ts';
import { ApiServer, type ApiHandlers } from './api-server.ts';
import { asApiFailure } from './calls/api-errors.ts';

// A refused input names its fields as data ({field, message}), on the wire and in the typed
// client, beside the one-sentence message older clients show. A real server on loopback; the
// handlers are never reached for a schema refusal, and one stands in for a wallet check.

const TOKEN = 'field-errors-test-token';
const key = `0x04${'ab'.repeat(64)}`;
let server: ApiServer;
let reached: ApiCallName[] = [];

beforeAll(async () => {
  const handlers = Object.fromEntries(
    (Object.keys(apiCalls) as ApiCallName[]).map((name) => [
      name,
      async () => {
        reached.push(name);
        if (name === 'pkpTransactionPreview')
          throw asApiFailure(new WalletInputError('valueEth', 'the PKP holds 0.0 ETH; it cannot send 2 ETH'));
        throw new Error(`${name} is not part of this test`);
      },
    ]),
  ) as unknown as ApiHandlers;
  server = new ApiServer({ token: TOKEN, handlers, rendererDir: '/nonexistent' });
  await server.listen(0);
});

afterAll(async () => {
  await server.close();
});

async function refusal(name: ApiCallName, input: unknown): Promise<ApiCallError> {
  const client = createApiClient({ baseUrl: server.url, token: TOKEN });
  const err = await client.call(name, input as never).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiCallError);
  return err as ApiCallError;
}

describe('field errors as data', () => {
  it('a schema refusal lists each field by its path, with a plain message, and reaches no handler', async () => {
    reached = [];
    const err = await refusal('pkpSend', { publicKey: '0x04', to: '0x1234', valueEth: 'lots' });
    expect(err.status).toBe(400);
    expect(err.code).toBe('bad_request');
    expect(err.fieldErrors).toEqual([
      { field: 'publicKey', message: 'must be a 65-byte uncompressed public key (0x04…)' },
      { field: 'to', message: 'must be an Ethereum address' },
      { field: 'valueEth', message: 'must be an amount of ETH like 0.25' },
    ]);
    // The sentence older clients show still names every field.
    expect(err.message).toBe(
      'bad input for pkpSend: publicKey: must be a 65-byte uncompressed public key (0x04…); to: must be an Ethereum address; valueEth: must be an amount of ETH like 0.25',
    );
    expect(reached).toEqual([]);
  });

  it('nested paths are joined with dots; a problem with the whole input is "input"', async () => {
    const err = await refusal('pkpPermissionChange', {
      publicKey: key,
      change: { kind: 'addAddress', address: '0xnope', scopes: [] },
      extra: true,
    });
    expect(err.fieldErrors.map((f) => f.field).sort()).toEqual(['change.address', 'change.scopes', 'input']);
    expect(err.fields?.['change.scopes']).toBe('needs at least 1 item');
  });

  it('a wallet check names its field the same way', async () => {
    const err = await refusal('pkpTransactionPreview', {
      publicKey: key,
      to: '0x000000000000000000000000000000000000dEaD',
      valueEth: '2',
    });
    expect(err.status).toBe(400);
    expect(err.fieldErrors).toEqual([{ field: 'valueEth', message: 'the PKP holds 0.0 ETH; it cannot send 2 ETH' }]);
    expect(err.message).toBe('valueEth: the PKP holds 0.0 ETH; it cannot send 2 ETH');
  });

  it('the wire shape is {code, message, fields: [{field, message}]}', async () => {
    const res = await fetch(`${server.url}/api/faucet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ address: 7 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'bad_request',
        message: 'bad input for faucet: address: must be a string',
        fields: [{ field: 'address', message: 'must be a string' }],
      },
    });
  });
});
