import { describe, expect, it, vi } from 'vitest';
import { SiweMessage } from 'siwe';
import { Wallet } from 'ethers';
import { LITBOX_SIWE_DOMAIN, LITBOX_SIWE_URI } from '../../shared/siwe-domain.ts';
import { RequesterAuth } from './requester-auth.ts';

const wallet = new Wallet(Wallet.createRandom().privateKey);

async function authSig(
  overrides: Partial<{
    domain: string;
    expirationTime: string | undefined;
    issuedAt: string;
    statement: string;
    uri: string;
    chainId: number;
    resources: string[];
  }> = {},
) {
  const now = Date.now();
  const fields = {
    domain: LITBOX_SIWE_DOMAIN,
    address: wallet.address,
    statement: 'test',
    uri: LITBOX_SIWE_URI,
    version: '1',
    chainId: 31337,
    nonce: 'abcdefgh12345678',
    issuedAt: new Date(now - 1000).toISOString(),
    expirationTime: new Date(now + 60_000).toISOString() as string | undefined,
    ...overrides,
  };
  if (fields.expirationTime === undefined) delete fields.expirationTime;
  const message = new SiweMessage(fields).prepareMessage();
  return {
    sig: await wallet.signMessage(message),
    derivedVia: 'web3.eth.personal.sign',
    signedMessage: message,
    address: wallet.address,
  };
}

describe('SIWE auth sigs at a node', () => {
  it('accepts a fresh auth sig for the Litbox domain', async () => {
    expect(await new RequesterAuth({ chainId: 31337 }).verifyAuthSig(await authSig())).toBe(wallet.address);
  });

  it('warms up by checking a throwaway auth sig the same way, and remembers nothing of it', async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    const verify = vi.spyOn(SiweMessage.prototype, 'verify');
    try {
      await auth.warmUp();
      // The same check a request's auth sig gets, and it passed (a failed one throws).
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0]![0]).toMatchObject({ domain: LITBOX_SIWE_DOMAIN });
      const sig = await authSig();
      expect(await auth.verifyAuthSig(sig)).toBe(wallet.address);
      expect(verify).toHaveBeenCalledTimes(2); // not taken from anything the warm-up left
      // Only the real auth sig is kept: the throwaway's nonce cannot refuse anyone's auth sig later.
      const state = auth as unknown as { verified: Map<string, unknown>; nonces: Map<string, unknown> };
      expect([state.verified.size, state.nonces.size]).toEqual([1, 1]);
    } finally {
      verify.mockRestore();
    }
  });

  it('checks a burst of the same auth sig once (a node just restarted), and a forged one fails for every caller', async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    const verify = vi.spyOn(SiweMessage.prototype, 'verify');
    try {
      const sig = await authSig();
      const burst = await Promise.all(Array.from({ length: 8 }, () => auth.verifyAuthSig({ ...sig })));
      expect(burst).toEqual(Array(8).fill(wallet.address));
      expect(verify).toHaveBeenCalledTimes(1);
      const forged = { ...(await authSig({ statement: 'other' })), sig: sig.sig };
      const refusals = await Promise.allSettled([auth.verifyAuthSig(forged), auth.verifyAuthSig({ ...forged })]);
      expect(refusals.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      // A refusal is not remembered: the next try is checked again.
      await expect(auth.verifyAuthSig(forged)).rejects.toThrow(/does not match/);
      expect(verify).toHaveBeenCalledTimes(3);
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses an expired one, one without expiration, another domain, and a forged signature', async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    await expect(
      auth.verifyAuthSig(
        await authSig({
          issuedAt: new Date(Date.now() - 120_000).toISOString(),
          expirationTime: new Date(Date.now() - 60_000).toISOString(),
        }),
      ),
    ).rejects.toThrow(/expired/);
    await expect(auth.verifyAuthSig(await authSig({ expirationTime: undefined }))).rejects.toThrow(/no expiration/);
    await expect(auth.verifyAuthSig(await authSig({ domain: 'evil.example' }))).rejects.toThrow(
      /evil.example, not localhost/,
    );
    const genuine = await authSig();
    const other = new Wallet(Wallet.createRandom().privateKey);
    await expect(
      auth.verifyAuthSig({ ...genuine, sig: await other.signMessage(genuine.signedMessage) }),
    ).rejects.toThrow(/does not match/);
  });

  it('refuses a SIWE made for another app on localhost: another URI, another chain, a Litbox statement alone', async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    await expect(auth.verifyAuthSig(await authSig({ uri: 'http://localhost:3000/login' }))).rejects.toThrow(
      /for URI http:\/\/localhost:3000\/login, not Litbox's lit:litbox:sandbox/,
    );
    await expect(auth.verifyAuthSig(await authSig({ chainId: 1 }))).rejects.toThrow(
      /chain id 1, not this network's 31337/,
    );
    await expect(
      auth.verifyAuthSig(
        await authSig({ uri: 'http://localhost:5173/', statement: 'Litbox: this wallet may sign with its PKPs.' }),
      ),
    ).rejects.toThrow(/not a Litbox session/);
    // Another app's resources do not make it Litbox's either.
    await expect(
      auth.verifyAuthSig(await authSig({ uri: 'http://localhost:5173/', resources: ['https://example.com/x'] })),
    ).rejects.toThrow(/not Litbox's/);
  });

  it("accepts a SIWE for another URI that lists Litbox's resource (an app asking for a Litbox session)", async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    const listed = await authSig({ uri: 'http://localhost:5173/', resources: [LITBOX_SIWE_URI] });
    expect(await auth.verifyAuthSig(listed)).toBe(wallet.address);
  });

  it('takes the same auth sig again (a session), but refuses another message that reuses its nonce', async () => {
    const auth = new RequesterAuth({ chainId: 31337 });
    const first = await authSig();
    expect(await auth.verifyAuthSig(first)).toBe(wallet.address);
    expect(await auth.verifyAuthSig(first)).toBe(wallet.address);
    await expect(auth.verifyAuthSig(await authSig({ statement: 'another message, same nonce' }))).rejects.toThrow(
      /reuses the nonce/,
    );
  });
});
