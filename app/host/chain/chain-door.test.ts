import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkDoor, PUBLIC_METHODS, refusedMethod } from './chain-door.ts';

const PORT = 41234;
const TOKEN = 'a'.repeat(43);

function request(headers: Record<string, string>, url = `/rpc/${TOKEN}`, method = 'POST'): http.IncomingMessage {
  return { headers, url, method } as unknown as http.IncomingMessage;
}

const good = { host: `127.0.0.1:${PORT}`, 'content-type': 'application/json' };

describe('the chain door', () => {
  it('lets a tool in with the secret, its own Host and a JSON body', () => {
    expect(checkDoor(request(good), PORT, TOKEN)).toBeUndefined();
    expect(checkDoor(request({ ...good, host: `localhost:${PORT}` }), PORT, TOKEN)).toBeUndefined();
    expect(
      checkDoor(request({ ...good, 'content-type': 'application/json; charset=utf-8' }), PORT, TOKEN),
    ).toBeUndefined();
  });

  it.each([
    ['no secret', request(good, '/'), 403],
    ['a wrong secret of the same length', request(good, `/rpc/${'b'.repeat(43)}`), 403],
    ['the secret with more after it', request(good, `/rpc/${TOKEN}/x`), 403],
    ['the secret as a query', request(good, `/?token=${TOKEN}`), 403],
    ['a rebinding Host', request({ ...good, host: `evil.example:${PORT}` }), 403],
    ['no Host', request({ 'content-type': 'application/json' }), 403],
    ['a foreign Origin', request({ ...good, origin: 'http://evil.example' }), 403],
    ['a localhost page on another port', request({ ...good, origin: 'http://localhost:3000' }), 403],
    ['the opaque origin', request({ ...good, origin: 'null' }), 403],
    ['a text/plain body', request({ ...good, 'content-type': 'text/plain' }), 415],
    ['a form body', request({ ...good, 'content-type': 'application/x-www-form-urlencoded' }), 415],
    ['GET', request(good, `/rpc/${TOKEN}`, 'GET'), 405],
  ])('refuses %s', (_what, req, status) => {
    expect(checkDoor(req, PORT, TOKEN)?.status).toBe(status);
  });

  it('opens without a secret for `up --lit-local` (nagaLocal posts to the bare URL), and keeps every other check', () => {
    expect(checkDoor(request(good, '/'), PORT, undefined)).toBeUndefined();
    expect(checkDoor(request({ ...good, host: `evil.example:${PORT}` }, '/'), PORT, undefined)?.status).toBe(403);
    expect(checkDoor(request({ ...good, origin: 'http://evil.example' }, '/'), PORT, undefined)?.status).toBe(403);
    expect(checkDoor(request({ ...good, 'content-type': 'text/plain' }, '/'), PORT, undefined)?.status).toBe(415);
    expect(checkDoor(request(good, '/', 'GET'), PORT, undefined)?.status).toBe(405);
  });

  it('passes reads and raw transactions; refuses cheats and unsigned writes unless cheats are on', () => {
    for (const method of ['eth_chainId', 'eth_call', 'eth_getLogs', 'eth_sendRawTransaction'])
      expect(refusedMethod(method, false)).toBeUndefined();
    for (const method of [
      'anvil_setBalance',
      'anvil_impersonateAccount',
      'evm_snapshot',
      'hardhat_setBalance',
      'debug_setHead',
      'personal_sign',
      'eth_sign',
      'eth_signTypedData_v4',
      'eth_subscribe',
    ])
      expect(refusedMethod(method, false)).toMatch(/cheat methods are off/);
    for (const method of ['eth_sendTransaction', 'eth_sendUnsignedTransaction'])
      expect(refusedMethod(method, false)).toMatch(/raw signed transactions/);
    expect(refusedMethod('anvil_setBalance', true)).toBeUndefined();
    // Nothing on the allow-list changes the chain without a signature.
    for (const method of PUBLIC_METHODS) expect(method).toMatch(/^(eth|net|web3|debug_trace|trace|txpool|ots)_?/);
    expect([...PUBLIC_METHODS].filter((m) => /_send|sign|impersonate|_set|mine|snapshot|revert/i.test(m))).toEqual([
      'eth_sendRawTransaction',
    ]);
  });
});
