import { execFileSync } from 'node:child_process';
import { x25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { ethers } from 'ethers';
import { SiweMessage } from 'siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { LitEnvelope, openLitEnvelope, sealLitEnvelope } from '../../shared/lit-sdk/e2ee.ts';
import {
  HandshakeData,
  LIT_NODE_ROUTES,
  LitErrorObject,
  PkpSignData,
  litResult,
  type PkpSignRequest,
} from '../../shared/lit-sdk/node-routes.ts';
import { auditPresignatureBindings } from '../../../testing/sandbox/presignature-audit.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { LIT_SDK_WORKSPACE, litSdkInstalled, runWorkspaceScript } from '../../../testing/lit-sdk-workspace.ts';

// PKP sessions through Lit's own v8 SDK, unchanged, offline: a wallet permitted on a PKP signs
// in, the SDK's createPkpAuthContext has every node of its set check that wallet and the PKP's
// permissions on chain and give its share of the network's BLS signature over the session, and
// pkpSign through that PKP session gives a signature ethers recovers to the PKP's address. A
// wallet with no right on a PKP gets no session for it (the SDK's error, nothing signed), and the
// session signs with no other PKP.
const installed = litSdkInstalled('the Lit SDK PKP session tests');
const N = 3;
const ROUNDS = 5;

interface Round {
  message: string;
  sessionMs: number;
  signMs: number;
  totalMs: number;
  signature: string;
  recoveryId: number;
  signedData: string;
  againMs: number;
  again: { signature: string; recoveryId: number; signedData: string };
  eoaMs: number;
  eoa: { signature: string; recoveryId: number; signedData: string };
}
interface PkpSessionCheck {
  address: string;
  rounds: Round[];
  delegation: { sig: string; algo: string; derivedVia: string; signedMessage: string; address: string };
  execution: { toSign: string; response: string; signature: string; recoveryId: number };
  refusals: Record<'sessionNotPermitted' | 'signOtherPkp', { signed: boolean; name?: string; message?: string }>;
  direct: { sessionSigs: Record<string, unknown>; request: Omit<PkpSignRequest, 'authSig' | 'toSign'> };
}

const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'litbox-test-pkp-session' };

/** The node's identity key, from its handshake (as the SDK learns it). */
async function identityKey(url: string): Promise<Uint8Array> {
  const res = await fetch(`${url}${LIT_NODE_ROUTES.handshake.path}`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ clientPublicKey: 'test', challenge: 'ab'.repeat(32), epoch: 1 }),
  });
  return hexToBytes(litResult(HandshakeData).parse(await res.json()).data!.nodeIdentityKey);
}

function runCheck(args: string[], eoaKey: string): Promise<{ code: number | null; out: string }> {
  return runWorkspaceScript(LIT_SDK_WORKSPACE, ['pkp-session-check.mjs', ...args], 240_000, { LITBOX_EOA_KEY: eoaKey });
}

function recovered(digest: string, signature: string, recoveryId: number): string {
  const sig = signature.replace(/^0x/, '');
  return ethers.recoverAddress(digest, {
    r: `0x${sig.slice(0, 64)}`,
    s: `0x${sig.slice(64, 128)}`,
    v: 27 + recoveryId,
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe.skipIf(!installed)("Lit's v8 SDK with PKP sessions on a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let api: ApiClient;
  let check: PkpSessionCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let eoa: ethers.HDNodeWallet;
  const dataDir = tempDataDir('litbox-lit-sdk-pkp-session-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    // The wallet behind the PKP session: permitted (SignAnything) on one PKP, with no right on another.
    eoa = ethers.Wallet.createRandom();
    pkp = await api.call('pkpMint', {});
    const other = await api.call('pkpMint', {});
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: eoa.address, scopes: [1] },
    });
    await waitFor(
      'presignatures on every node',
      async () => (await api.call('status', {})).nodes.every((n) => (n.presignaturesFresh ?? 0) >= 3 * ROUNDS + 6),
      120_000,
    );

    const { code, out } = await runCheck(
      [status.litSdk!.nagaNetworkContextPath, status.chain.rpcUrl, pkp.publicKey, other.publicKey, String(ROUNDS)],
      eoa.privateKey,
    );
    const line = /^litbox-result: (.*)$/m.exec(out)?.[1];
    expect(line, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = JSON.parse(line!) as PkpSessionCheck;
    expect(check.address).toBe(eoa.address);
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('signs through a PKP session: ethers recovers every signature to the PKP address', () => {
    expect(check.rounds).toHaveLength(ROUNDS);
    for (const round of check.rounds) {
      const digest = ethers.keccak256(`0x${round.message}`);
      expect(round.signedData.replace(/^0x/, '')).toBe(digest.slice(2));
      expect(recovered(digest, round.signature, round.recoveryId)).toBe(pkp.ethAddress);
      const againDigest = ethers.keccak256(ethers.concat([`0x${round.message}`, ethers.toUtf8Bytes(' again')]));
      expect(round.again.signedData.replace(/^0x/, '')).toBe(againDigest.slice(2));
      expect(recovered(againDigest, round.again.signature, round.again.recoveryId)).toBe(pkp.ethAddress);
      const eoaDigest = ethers.keccak256(ethers.concat([`0x${round.message}`, ethers.toUtf8Bytes(' (EOA)')]));
      expect(recovered(eoaDigest, round.eoa.signature, round.eoa.recoveryId)).toBe(pkp.ethAddress);
    }
    const fmt = (v: number[]) =>
      `p50 ${percentile(v, 50).toFixed(1)} ms (min ${Math.min(...v).toFixed(1)}, max ${Math.max(...v).toFixed(1)})`;
    console.log(
      `PKP session at N = ${N}, ${ROUNDS} rounds: createPkpAuthContext ${fmt(check.rounds.map((r) => r.sessionMs))}; ` +
        `pkpSign with it ${fmt(check.rounds.map((r) => r.signMs))}; both ${fmt(check.rounds.map((r) => r.totalMs))}; ` +
        `a second pkpSign with the same session ${fmt(check.rounds.map((r) => r.againMs))}; ` +
        `pkpSign with the wallet's EOA session, same run ${fmt(check.rounds.map((r) => r.eoaMs))}; ` +
        `uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it('holds the network’s BLS signature over a SIWE naming the PKP, with the wallet the nodes verified', () => {
    const { delegation } = check;
    expect(delegation).toMatchObject({ algo: 'LIT_BLS', derivedVia: 'lit.bls', address: pkp.ethAddress });
    expect(JSON.parse(delegation.sig)).toEqual({ ProofOfPossession: expect.stringMatching(/^[0-9a-f]{192}$/) });
    const siwe = new SiweMessage(delegation.signedMessage);
    expect(siwe.address).toBe(pkp.ethAddress);
    expect(siwe.uri).toMatch(/^lit:session:[0-9a-f]{64}$/);
    const recap = JSON.parse(
      Buffer.from(siwe.resources!.at(-1)!.slice('urn:recap:'.length), 'base64url').toString(),
    ) as { att: Record<string, Record<string, unknown[]>> };
    expect(recap.att['lit-pkp://*']).toEqual({ 'Threshold/Signing': [{}] });
    expect(recap.att['lit-resolvedauthcontext://*']!['Auth/Auth']).toEqual([
      { authMethodContexts: [{ authMethodType: 1, id: eoa.address.toLowerCase(), userId: eoa.address, appId: 'lit' }] },
    ]);
  });

  it('runs an action through the PKP session whose signEcdsa ethers recovers to the PKP address', () => {
    expect(check.execution.response).toBe('signed through a PKP session');
    expect(recovered(`0x${check.execution.toSign}`, check.execution.signature, check.execution.recoveryId)).toBe(
      pkp.ethAddress,
    );
  });

  it('gives no PKP session for a PKP the wallet may not use, and the session signs with no other PKP', async () => {
    expect(check.refusals.sessionNotPermitted).toMatchObject({ signed: false, name: 'NodeError' });
    expect(check.refusals.sessionNotPermitted.message).toContain('litbox_not_permitted');
    expect(check.refusals.sessionNotPermitted.message).toContain(`the wallet ${eoa.address}`);
    expect(check.refusals.signOtherPkp).toMatchObject({ signed: false, name: 'NodeError' });
    expect(check.refusals.signOtherPkp.message).toContain('litbox_not_permitted');
    expect(check.refusals.signOtherPkp.message).toContain(`${pkp.ethAddress} may not sign with this PKP`);
    // One presignature bound at every node per signature (two warm-ups, three a round, the action), none for the refusals.
    const audit = await auditPresignatureBindings(dataDir, N);
    expect(audit.bindings).toBe(N * (2 + 3 * ROUNDS + 1));
    expect(audit.doubleBound).toEqual([]);
  });

  it('signs through the PKP session only while the wallet is permitted on chain', async () => {
    const urls = status.nodes.map((n) => n.url);
    const keys = await Promise.all(urls.map((url) => identityKey(url)));
    // What the SDK does for one pkpSign, by hand: each node its own sealed request with the
    // PKP session's signature made for it, the answers opened.
    // One X-Request-Id for all of a call's requests, as the SDK sends it: the nodes agree on it.
    const signAtEveryNode = (digest: Uint8Array, requestId = `litbox-test-${ethers.hexlify(digest)}`) =>
      Promise.all(
        urls.map(async (url, k) => {
          const client = x25519.utils.randomSecretKey();
          const request = { ...check.direct.request, toSign: [...digest], authSig: check.direct.sessionSigs[url] };
          const envelope = sealLitEnvelope(client, keys[k]!, new TextEncoder().encode(JSON.stringify(request)));
          const res = await fetch(`${url}${LIT_NODE_ROUTES.pkpSign.path}`, {
            method: 'POST',
            headers: { ...HEADERS, 'x-request-id': requestId },
            body: JSON.stringify({ ...envelope, epoch: 1 }),
          });
          const opened = openLitEnvelope(client, LitEnvelope.parse(await res.json()));
          return litResult(PkpSignData).parse(JSON.parse(new TextDecoder().decode(opened.plaintext)));
        }),
      );

    const digest = ethers.randomBytes(32);
    const answers = await signAtEveryNode(digest);
    const shares = answers.map((a) => a.data!.signatureShare.EcdsaSignedMessageShare);
    let s = shares.reduce((acc, sh) => (acc + BigInt(`0x${JSON.parse(sh.signature_share) as string}`)) % ethers.N, 0n);
    if (s > ethers.N / 2n) s = ethers.N - s;
    const bigR = ethers.SigningKey.computePublicKey(`0x${JSON.parse(shares[0]!.big_r) as string}`, false);
    const candidates = [27, 28].map((v) =>
      ethers.recoverAddress(digest, { r: `0x${bigR.slice(4, 68)}`, s: ethers.toBeHex(s, 32), v }),
    );
    expect(candidates).toContain(pkp.ethAddress);

    // The wallet loses its right on the PKP: the same PKP session signs no more, and nothing is bound.
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'removeAddress', address: eoa.address },
    });
    await new Promise((r) => setTimeout(r, 1_000)); // each node sees the new block (it polls every 200 ms)
    const before = (await auditPresignatureBindings(dataDir, N)).bindings;
    const refused = await signAtEveryNode(ethers.randomBytes(32));
    for (const answer of refused) {
      expect(answer).toMatchObject({ ok: false, data: null });
      expect(answer.error).toContain(`${pkp.ethAddress} may not sign with this PKP`);
      expect(LitErrorObject.parse(JSON.parse(answer.errorObject as string)).details).toEqual(['not_permitted']);
    }
    expect((await auditPresignatureBindings(dataDir, N)).bindings).toBe(before);
  });
});
