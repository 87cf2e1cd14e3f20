import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { SOCIAL_ACTIONS, type SocialActionName, type SocialPost } from '../../shared/ceramic/social-actions.ts';
import type { AuthSig } from '../../shared/node-api.ts';
import type { ExecuteJsResult } from '../lit-client/lit-client.ts';

/** The social example's record in the data directory: its PKP, its actions and its feed stream. */
export interface SocialApp {
  pkp: { tokenId: string; publicKey: string; ethAddress: string };
  /** The PKP's did:pkh: the feed's only controller. */
  did: string;
  streamId: string;
  /** CIDv0 of each action's exact code: the only actions the PKP permits. */
  actions: Record<SocialActionName, string>;
  /** The transactions that minted, granted and burned the PKP. */
  transactions: string[];
}

export interface SocialWriteResult {
  streamId: string;
  /** CID of the commit the node applied. */
  commit: string;
  /** From the request to the node's answer with the stream updated. */
  ms: number;
  posts: SocialPost[];
}

/** What the social service uses of the wallet (narrow, so tests and the host wire it alike). */
export interface SocialWallet {
  chainId: number;
  mint(): Promise<{ tokenId: string; publicKey: string; ethAddress: string; transactionHash: string }>;
  grantAction(publicKey: string, ipfsId: string): Promise<string>;
  burn(publicKey: string): Promise<string>;
  saveAction(code: string): string;
  executeJs(input: {
    code: string;
    ipfsId: string;
    jsParams: Record<string, unknown>;
    authSig: AuthSig;
  }): Promise<ExecuteJsResult>;
  authSig(): Promise<AuthSig>;
}

export class SocialInputError extends Error {}
/** The Ceramic node does not answer (down, or restarting): nothing was written. */
export class CeramicUnavailableError extends Error {}

/** What an action returns when its rule allowed the write. */
interface PreparedCommit {
  ok: true;
  streamId: string;
  commit: { protected: string; payload: string; link: string; linkedBlock: string };
}

const FAMILY = 'litbox-social';

/**
 * The social example: a PKP that only createPost and likePost can sign with owns a Ceramic
 * feed. Each write runs the action on the nodes (it reads the feed, applies its rule and signs
 * the commit as the PKP's did:pkh); the host checks the commit is what was signed and hands it
 * to the Ceramic node, which checks the signature against the feed's controller.
 */
export class SocialService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: string;
  private readonly wallet: SocialWallet;
  private readonly ceramicUrl: () => string;

  constructor(options: { dir: string; wallet: SocialWallet; ceramicUrl: () => string }) {
    this.file = path.join(options.dir, 'social.json');
    this.wallet = options.wallet;
    this.ceramicUrl = options.ceramicUrl;
  }

  app(): SocialApp | null {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as SocialApp;
    } catch {
      return null;
    }
  }

  /**
   * Makes the app once: mints its PKP, permits exactly createPost and likePost, burns the NFT
   * (so no other action can ever be permitted), and creates the feed stream the PKP controls.
   */
  setup(): Promise<SocialApp> {
    return this.serial(async () => {
      const existing = this.app();
      if (existing) return existing;
      const url = this.ceramicUrl();
      const actions = {
        createPost: this.wallet.saveAction(SOCIAL_ACTIONS.createPost),
        likePost: this.wallet.saveAction(SOCIAL_ACTIONS.likePost),
      };
      const pkp = await this.wallet.mint();
      const transactions = [pkp.transactionHash];
      for (const cid of Object.values(actions)) transactions.push(await this.wallet.grantAction(pkp.publicKey, cid));
      transactions.push(await this.wallet.burn(pkp.publicKey));
      const did = `did:pkh:eip155:${this.wallet.chainId}:${pkp.ethAddress.toLowerCase()}`;
      // A deterministic genesis has no content and no signature: every word of the feed is a
      // commit signed by the PKP, which only the actions can make.
      const created = await ceramicCall<{ streamId: string }>(url, '/api/v0/streams', {
        type: 0,
        genesis: { header: { controllers: [did], family: FAMILY } },
        opts: { anchor: true, pin: true, publish: false },
      });
      const app: SocialApp = {
        pkp: { tokenId: pkp.tokenId, publicKey: pkp.publicKey, ethAddress: pkp.ethAddress },
        did,
        streamId: created.streamId,
        actions,
        transactions,
      };
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, JSON.stringify(app, null, 2));
      return app;
    });
  }

  /** createPost as the wallet's person (the auth sig says who). */
  post(text: string): Promise<SocialWriteResult> {
    if (typeof text !== 'string') throw new SocialInputError('a post is text');
    return this.write('createPost', { text, at: new Date().toISOString() });
  }

  /** likePost as the wallet's person; the action refuses a second like by the same person. */
  like(postId: number): Promise<SocialWriteResult> {
    return this.write('likePost', { postId });
  }

  /** The feed as the Ceramic node serves it. */
  async feed(): Promise<{ streamId: string; posts: SocialPost[]; commits: number }> {
    const app = this.requireApp();
    const state = await loadStream(this.ceramicUrl(), app.streamId);
    return { streamId: app.streamId, posts: postsOf(state), commits: state.log.length };
  }

  private requireApp(): SocialApp {
    const app = this.app();
    if (!app) throw new SocialInputError('the social example is not set up yet: run `litbox social setup` first');
    return app;
  }

  /** Writes to one stream are serialised: each commit builds on the tip the last one made. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private write(action: SocialActionName, params: Record<string, unknown>): Promise<SocialWriteResult> {
    return this.serial(async () => {
      const app = this.requireApp();
      const url = this.ceramicUrl();
      const started = performance.now();
      const result = await this.wallet
        .executeJs({
          code: SOCIAL_ACTIONS[action],
          ipfsId: app.actions[action],
          jsParams: { ...params, ceramicUrl: url, streamId: app.streamId, did: app.did, publicKey: app.pkp.publicKey },
          authSig: await this.wallet.authSig(),
        })
        .catch((err: Error) => {
          // The only thing the actions fetch is the Ceramic node: a fetch that failed means it is
          // down (or restarting), and the action stopped before signing anything.
          if (/fetch failed/i.test(err.message))
            throw new CeramicUnavailableError(
              `the Ceramic node at ${url} does not answer (is it restarting? see status); ${action} wrote nothing`,
            );
          throw err;
        });
      const prepared = JSON.parse(result.response ?? '{}') as PreparedCommit;
      const signature = result.signatures.commit;
      if (!prepared.ok || !signature) throw new Error(`${action} returned no signed commit`);
      const jws = checkedJws(prepared, signature, app.did);
      const applied = await ceramicCall<{ state: StreamState }>(url, '/api/v0/commits', {
        streamId: app.streamId,
        commit: jws,
        opts: { anchor: true, pin: true, publish: true },
      });
      return {
        streamId: app.streamId,
        commit: prepared.commit.link,
        ms: Math.round(performance.now() - started),
        posts: postsOf(applied.state),
      };
    });
  }
}

/**
 * The signed commit as Ceramic's HTTP API takes it, after checking that the PKP signed exactly
 * this commit: the digest is SHA-256 of the JWS signing input, the payload is the CID of the
 * block, and the key id is the feed's controller.
 */
function checkedJws(
  prepared: PreparedCommit,
  signature: { r: string; s: string; recid: number; dataSigned: string },
  did: string,
) {
  const { protected: header, payload, link, linkedBlock } = prepared.commit;
  const digest = Buffer.from(sha256(Buffer.from(`${header}.${payload}`))).toString('hex');
  if (digest !== signature.dataSigned.replace(/^0x/, '').toLowerCase())
    throw new Error('the action signed something other than its commit');
  const block = Buffer.from(linkedBlock, 'base64url');
  const cidBytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), Buffer.from(sha256(block))]);
  if (Buffer.from(payload, 'base64url').compare(cidBytes) !== 0)
    throw new Error("the action's commit payload is not the CID of its block");
  const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string }).kid;
  if (kid !== `${did}#blockchainAccountId`) throw new Error(`the commit names ${kid}, not the feed's controller`);
  const sig = Buffer.concat([
    Buffer.from(signature.r.replace(/^0x/, ''), 'hex'),
    Buffer.from(signature.s.replace(/^0x/, ''), 'hex'),
    Buffer.from([signature.recid]),
  ]).toString('base64url');
  return {
    jws: { payload, signatures: [{ protected: header, signature: sig }], link },
    linkedBlock: block.toString('base64').replace(/=+$/, ''),
  };
}

interface StreamState {
  content: unknown;
  next?: { content?: unknown };
  log: { cid: string }[];
}

function postsOf(state: StreamState): SocialPost[] {
  const content = (state.next?.content ?? state.content) as { posts?: SocialPost[] } | null;
  return Array.isArray(content?.posts) ? content.posts : [];
}

async function loadStream(url: string, streamId: string): Promise<StreamState> {
  return (await ceramicCall<{ state: StreamState }>(url, `/api/v0/streams/${encodeURIComponent(streamId)}`)).state;
}

/** One call to the Ceramic node's HTTP API; its error text when it refuses. */
async function ceramicCall<T>(url: string, route: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new Error(
      `the Ceramic node at ${url} does not answer (${(err as Error).message}); is Litbox running with --ceramic?`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON
    }
    throw new Error(`the Ceramic node refused: ${message.slice(0, 500)}`);
  }
  return JSON.parse(text) as T;
}
