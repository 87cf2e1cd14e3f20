import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { SiweMessage } from 'siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../shared/api/client.ts';
import type { NetworkStatus } from '../../shared/api/contract.ts';
import { LIT_NODE_ROUTES } from '../../shared/lit-sdk/node-routes.ts';
import { HandshakeV1Data } from '../../shared/lit-sdk/node-routes-v1.ts';
import { verifyBlsSignature } from '../../shared/threshold/bls.ts';
import { waitFor } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, startSandbox, tempDataDir, type RunningSandbox } from '../../../testing/sandbox/spawn-cli.ts';
import { litSdkV7Installed, runV7Script, scriptResult } from '../../../testing/lit-sdk-v7-workspace.ts';

// PKP sessions through Lit's own v7 SDK, unchanged: `getPkpSessionSigs` with a wallet's EthWallet
// auth method asks every node (POST /web/sign_session_key/v1, in the clear); each checks the
// wallet's sign-in and the PKP's permissions on chain and answers its share of the network's BLS
// signature over the session, which the SDK combines. `pkpSign` through that PKP session
// (/web/pkp/sign/v1) gives a signature ethers recovers to the PKP's address. A wallet with no
// right on a PKP gets no session for it: the SDK's NodeError.
const installed = litSdkV7Installed('the Lit SDK v7 PKP session test');
const N = 3;
const ROUNDS = 3;

interface PkpSessionCheck {
  address: string;
  rounds: { digest: string; sessionMs: number; signMs: number; signature: string }[];
  capability: { sig: string; algo: string; derivedVia: string; signedMessage: string; address: string };
  refusals: Record<'sessionNotPermitted' | 'signOtherPkp', { failed: boolean; name?: string; message?: string }>;
}

describe.skipIf(!installed)("Lit's v7 SDK with PKP sessions on a Litbox sandbox", () => {
  let sandbox: RunningSandbox;
  let status: NetworkStatus;
  let api: ApiClient;
  let check: PkpSessionCheck;
  let pkp: { publicKey: string; ethAddress: string };
  let eoa: ethers.HDNodeWallet;
  const dataDir = tempDataDir('litbox-lit-sdk-v7-pkp-session-');

  beforeAll(async () => {
    sandbox = await startSandbox(['--nodes', String(N), '--port', '0', '--data-dir', dataDir], 180_000);
    const printed = await runCliProcess(['status', '--json', '--data-dir', dataDir]);
    expect(printed.code).toBe(0);
    status = JSON.parse(printed.stdout) as NetworkStatus;
    api = createApiClient({ baseUrl: sandbox.baseUrl, token: sandbox.token });

    // The wallet behind the PKP session: permitted (SignAnything) on one PKP, no right on another.
    eoa = ethers.Wallet.createRandom();
    pkp = await api.call('pkpMint', {});
    const other = await api.call('pkpMint', {});
    await api.call('pkpPermissionChange', {
      publicKey: pkp.publicKey,
      change: { kind: 'addAddress', address: eoa.address, scopes: [1] },
    });
    await waitFor(
      'presignatures on every node',
      async () => (await api.call('status', {})).nodes.every((n) => (n.presignaturesFresh ?? 0) >= 2 * ROUNDS),
      120_000,
    );

    // The key goes by environment, never argv.
    const { code, out } = await runV7Script(
      [
        'pkp-session-check.mjs',
        status.litSdk!.datilContractContextPath,
        status.chain.rpcUrl,
        pkp.publicKey,
        other.publicKey,
        String(ROUNDS),
      ],
      240_000,
      { LITBOX_EOA_KEY: eoa.privateKey },
    );
    const result = scriptResult<PkpSessionCheck>(out);
    expect(result, out.slice(-4000)).toBeDefined();
    expect(code).toBe(0);
    check = result!;
    expect(check.address).toBe(eoa.address);
  }, 600_000);

  afterAll(async () => {
    expect(await sandbox?.stop()).toBe(0);
  });

  it('gets a PKP session whose pkpSign signatures ethers recovers to the PKP address', () => {
    expect(check.rounds).toHaveLength(ROUNDS);
    for (const round of check.rounds) expect(ethers.recoverAddress(round.digest, round.signature)).toBe(pkp.ethAddress);
    const list = (key: 'sessionMs' | 'signMs') => check.rounds.map((r) => `${r[key]}`).join(', ');
    console.log(
      `v7 PKP session at N = ${N}: getPkpSessionSigs ${list('sessionMs')} ms, then pkpSign ${list('signMs')} ms; ` +
        `uptime: ${execFileSync('uptime').toString().trim()}`,
    );
  });

  it("makes the session's capability the network's BLS signature over a SIWE naming the PKP and the wallet", async () => {
    const { capability } = check;
    expect(capability).toMatchObject({ algo: 'LIT_BLS', derivedVia: 'lit.bls', address: pkp.ethAddress });
    const siwe = new SiweMessage(capability.signedMessage);
    expect(siwe.address).toBe(pkp.ethAddress);
    const recap = JSON.parse(
      Buffer.from(siwe.resources!.at(-1)!.slice('urn:recap:'.length), 'base64url').toString(),
    ) as { att: Record<string, Record<string, unknown[]>> };
    expect(recap.att['lit-resolvedauthcontext://*']?.['Auth/Auth']).toEqual([
      { authMethodContexts: [{ authMethodType: 1, id: eoa.address.toLowerCase(), userId: eoa.address, appId: 'lit' }] },
    ]);

    const res = await fetch(`${status.nodes[0]!.url}${LIT_NODE_ROUTES.handshake.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lit_test' },
      body: JSON.stringify({ clientPublicKey: 'test', challenge: 'cd'.repeat(32), epoch: 1 }),
    });
    const networkKey = HandshakeV1Data.parse(await res.json()).networkPublicKey;
    // What the nodes sign for a session: SHA-256 of `lit_session:` and the SIWE's EIP-191 hash.
    const signed = ethers.getBytes(
      ethers.sha256(ethers.toUtf8Bytes(`lit_session:${ethers.hashMessage(capability.signedMessage).slice(2)}`)),
    );
    const { ProofOfPossession } = JSON.parse(capability.sig) as { ProofOfPossession: string };
    expect(
      verifyBlsSignature(signed, ethers.getBytes(`0x${ProofOfPossession}`), ethers.getBytes(`0x${networkKey}`)),
    ).toBe(true);
  });

  it('signs each session once at every node: the SDK’s own check of the combined session held', () => {
    // v7 checks the combined signature (blsSessionSigVerify) and asks the nodes again if it fails.
    for (let i = 1; i <= N; i++) {
      const log = fs.readFileSync(path.join(dataDir, 'logs', `node-${i}.log`), 'utf8');
      expect(log.match(/signed a PKP session for /g) ?? []).toHaveLength(ROUNDS);
    }
  });

  it('gives no session for a PKP the wallet may not use, and the session signs with no other PKP', () => {
    expect(check.refusals.sessionNotPermitted).toMatchObject({ failed: true });
    expect(check.refusals.sessionNotPermitted.message).toContain('litbox_not_permitted');
    expect(check.refusals.sessionNotPermitted.message).toContain(`the wallet ${eoa.address}`);
    expect(check.refusals.signOtherPkp).toMatchObject({ failed: true, name: 'NodeError' });
    expect(check.refusals.signOtherPkp.message).toContain('litbox_not_permitted');
  });
});
