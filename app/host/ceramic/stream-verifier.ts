import { ethers } from 'ethers';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ApiOutput } from '../../shared/api/contract.ts';

type PkpDetails = ApiOutput<'pkpDetails'>;

export interface StreamVerdict {
  valid: boolean;
  streamId: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

interface SerializedCommit {
  jws?: { payload: string; signatures: { protected: string; signature: string }[]; link: string };
  header?: { controllers?: string[] };
  proof?: string;
}

/**
 * `litbox verify --stream`: could every write to this stream only have come from the given
 * actions? Checks, from the Ceramic node and the chain alone: every signed commit is ES256K-R
 * by the stream's did:pkh (its signature recovered over SHA-256 of the JWS signing input), that
 * key is one PKP, the PKP is burned (nobody can change its permissions), and it permits exactly
 * the given actions and no address or other auth method.
 */
export async function verifyStream(options: {
  ceramicUrl: string;
  streamId: string;
  actions: string[];
  pkpDetails: (publicKey: string) => Promise<PkpDetails>;
}): Promise<StreamVerdict> {
  const { ceramicUrl, streamId } = options;
  const checks: StreamVerdict['checks'] = [];
  const check = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const verdict = () => ({ valid: checks.every((c) => c.ok), streamId, checks });

  const res = await fetch(`${ceramicUrl}/api/v0/commits/${encodeURIComponent(streamId)}`).catch((err: Error) => {
    throw new Error(`the Ceramic node at ${ceramicUrl} does not answer (${err.message})`);
  });
  if (
    !check('stream', res.ok, res.ok ? `loaded ${streamId}` : `the Ceramic node cannot load ${streamId} (${res.status})`)
  )
    return verdict();
  const { commits } = (await res.json()) as { commits: { cid: string; value: SerializedCommit }[] };
  const genesis = commits[0]?.value;
  const controller = genesis?.header?.controllers?.[0] ?? '';
  const match = /^did:pkh:eip155:\d+:(0x[0-9a-fA-F]{40})$/.exec(controller);
  if (
    !check(
      'controller',
      !!match,
      match ? `controlled by ${controller}` : `the controller ${controller || '(none)'} is not an Ethereum did:pkh`,
    )
  )
    return verdict();
  const address = ethers.getAddress(match![1]!);

  const keys = new Set<string>();
  let signed = 0;
  let anchors = 0;
  for (const { cid, value } of commits) {
    if (value.proof) {
      anchors++;
      continue;
    }
    if (!value.jws) continue; // the unsigned deterministic genesis: it carries no content
    signed++;
    const [sig] = value.jws.signatures;
    const header = JSON.parse(Buffer.from(sig!.protected, 'base64url').toString('utf8')) as {
      alg?: string;
      kid?: string;
    };
    if (
      !check(
        `commit ${cid}`,
        header.alg === 'ES256K-R' && header.kid === `${controller}#blockchainAccountId`,
        `header ${JSON.stringify(header)}`,
      )
    )
      continue;
    const raw = Buffer.from(sig!.signature, 'base64url');
    const digest = sha256(Buffer.from(`${sig!.protected}.${value.jws.payload}`));
    let publicKey = '';
    try {
      publicKey = ethers.SigningKey.recoverPublicKey(digest, {
        r: ethers.hexlify(raw.subarray(0, 32)),
        s: ethers.hexlify(raw.subarray(32, 64)),
        v: 27 + raw[64]!,
      });
    } catch {
      // reported below
    }
    if (
      check(
        `commit ${cid}`,
        !!publicKey && ethers.computeAddress(publicKey) === address,
        `signed by ${publicKey ? ethers.computeAddress(publicKey) : 'no key'}`,
      )
    )
      keys.add(publicKey);
  }
  check('commits', signed > 0, `${signed} signed commit(s), ${anchors} anchor commit(s)`);
  if (!check('one key', keys.size === 1, `${keys.size} signing key(s)`)) return verdict();

  const [publicKey] = [...keys];
  const details = await options.pkpDetails(publicKey!);
  check(
    'burned',
    details.owner === 'burned',
    `the PKP's owner: ${details.owner} (burned: its permissions can never change)`,
  );
  const permitted = details.actions.map((a) => a.ipfsId).sort();
  const wanted = [...new Set(options.actions)].sort();
  check(
    'actions',
    JSON.stringify(permitted) === JSON.stringify(wanted),
    `permitted actions: ${permitted.join(', ') || 'none'}${JSON.stringify(permitted) === JSON.stringify(wanted) ? '' : `; expected ${wanted.join(', ')}`}`,
  );
  const others = details.addresses.filter((a) => a.permitted || a.isOwner).length + details.authMethods.length;
  check('no one else', others === 0, `${others} address(es) or other auth method(s) may sign`);
  return verdict();
}
