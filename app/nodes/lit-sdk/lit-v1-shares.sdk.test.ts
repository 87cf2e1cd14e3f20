import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { ethers } from 'ethers';
import { describe, expect, it } from 'vitest';
import { degreeFor, thresholdFor } from '../../shared/network.ts';
import { litEncryptionIdentity } from '../../shared/lit-sdk/lit-conditions.ts';
import type { PkpSignV1Data } from '../../shared/lit-sdk/node-routes-v1.ts';
import { blsSignShare } from '../../shared/threshold/bls.ts';
import { signShare } from '../../shared/threshold/ecdsa.ts';
import { bls12381G1CompressedBytes, bls12381G1Group, secp256k1Group } from '../../shared/threshold/groups.ts';
import { simulateDkg, simulatePresign } from '../../shared/threshold/simulation.ts';
import { LIT_SDK_V7_WORKSPACE, litSdkV7Installed } from '../../../testing/lit-sdk-v7-workspace.ts';
import { NODE_24 } from '../../../testing/lit-sdk-workspace.ts';
import { lagrangeWeight } from '../signing/signing-agreement.ts';
import { litV1BlsShare } from './encryption-sign-v1.ts';
import { litV1EcdsaShare } from './pkp-sign-v1.ts';

// Wire check against Lit's v7 SDK's own combiners, no sandbox: the shares a three-node Litbox
// network answers on the v1 routes, made with its own threshold maths and formatted by the
// nodes' own functions, are what v7's `decrypt` combines into the key that opens a ciphertext the
// SDK made, and what its `pkpSign` adds into a signature (compat/lit-sdk-v7/combine-check.mjs).
const installed = litSdkV7Installed('the Lit SDK v7 share-format check');
const N = 3;

interface CombineResult {
  plaintext: string | { error: string };
  signature: string | { error: string };
}

async function combineWithV7(input: unknown): Promise<CombineResult> {
  const { stdout } = await promisify(execFile)(NODE_24, ['combine-check.mjs', JSON.stringify(input)], {
    cwd: LIT_SDK_V7_WORKSPACE,
    timeout: 60_000,
  });
  const line = /^litbox-result: (.*)$/m.exec(stdout)?.[1];
  expect(line, stdout.slice(-2000)).toBeDefined();
  return JSON.parse(line!) as CombineResult;
}

/** What each of N nodes answers on the v1 routes, for one identity and one digest. */
function goldenAnswers() {
  const blsNetwork = simulateDkg(bls12381G1Group, N, thresholdFor(N) - 1);
  const identity = litEncryptionIdentity(bytesToHex(randomBytes(32)), bytesToHex(randomBytes(32)));
  const blsAnswers = blsNetwork.map((node, i) =>
    litV1BlsShare(i + 1, bytesToHex(blsSignShare(new TextEncoder().encode(identity), node.secretShare).toBytes(true))),
  );

  const t = degreeFor(N);
  const keys = simulateDkg(secp256k1Group, N, t);
  const publicKey = keys[0]!.publicKey.toBytes(false);
  const set = [1, 2, 3];
  const presignatures = simulatePresign({ batchId: 'golden', participants: set, t, count: 1 });
  const digest = randomBytes(32);
  const ecdsaAnswers: PkpSignV1Data[] = set.map((j) => {
    const p = presignatures.get(j)![0]!;
    const { s, bigR } = signShare({ digest, R: p.R, w: p.w, z2: p.z2, keyShare: keys[j - 1]!.secretShare, publicKey });
    return {
      success: true,
      signedData: [...digest],
      signatureShare: litV1EcdsaShare(j, bytesToHex(digest), bytesToHex(publicKey), lagrangeWeight(set, j, s), bigR),
    };
  });
  return {
    networkKey: bytesToHex(bls12381G1CompressedBytes(blsNetwork[0]!.publicKey)),
    identity,
    blsAnswers,
    digest,
    address: ethers.computeAddress(`0x${bytesToHex(publicKey)}`),
    ecdsaAnswers,
  };
}

describe.skipIf(!installed)("v1 shares, against the v7 SDK's own combiners", () => {
  it('decrypt opens with the BLS shares; pkpSign adds the weighted ECDSA shares into a signature ethers recovers', async () => {
    const golden = goldenAnswers();
    const result = await combineWithV7({
      bls: { networkKey: golden.networkKey, identity: golden.identity, answers: golden.blsAnswers },
      ecdsa: { answers: golden.ecdsaAnswers, minNodeCount: N },
    });
    expect(result.plaintext).toBe('golden');
    expect(typeof result.signature, JSON.stringify(result.signature)).toBe('string');
    expect(ethers.recoverAddress(golden.digest, result.signature as string)).toBe(golden.address);
  }, 90_000);

  it('fails on shares that are not the network’s: a wrong index, a share changed by one', async () => {
    const golden = goldenAnswers();
    // Node 3's share sent as node 2's: the combined signature is not the network's.
    const misindexed = golden.blsAnswers.map((a, i) =>
      i === 2 ? { ...a, signatureShare: { ProofOfPossession: `02${a.signatureShare.ProofOfPossession.slice(2)}` } } : a,
    );
    // Node 1's share plus one: the sum is no signature, and v7 finds it does not verify.
    const first = golden.ecdsaAnswers[0]!;
    const tampered = [
      {
        ...first,
        signatureShare: {
          ...first.signatureShare,
          signature_share: (BigInt(`0x${first.signatureShare.signature_share}`) + 1n).toString(16).padStart(64, '0'),
        },
      },
      ...golden.ecdsaAnswers.slice(1),
    ];
    const result = await combineWithV7({
      bls: { networkKey: golden.networkKey, identity: golden.identity, answers: misindexed },
      ecdsa: { answers: tampered, minNodeCount: N },
    });
    expect(result.plaintext).toMatchObject({ error: expect.any(String) });
    expect(result.signature).toMatchObject({ error: expect.any(String) });
  }, 90_000);
});
