import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethers } from 'ethers';
import { sha256 } from '@noble/hashes/sha2.js';
import { CERAMIC_ACTION_HELPERS } from '../../shared/ceramic/action-helpers.ts';
import { startHost, type RunningHost } from '../host.ts';
import { SigningRefusedError } from '../lit-client/lit-client.ts';
import { waitFor, waitForPools } from '../../../testing/sandbox/network-probe.ts';
import { runCliProcess, tempDataDir } from '../../../testing/sandbox/spawn-cli.ts';
import { ceramicWorkspaceDir, CERAMIC_INSTALL_COMMAND } from './ceramic-workspace.ts';
import type { SocialApp } from './social-service.ts';

// Needs the optional Ceramic workspace. CI installs it (.ci/run) and sets LITBOX_REQUIRE_CERAMIC,
// so there a missing workspace fails instead of skipping.
const workspace = ceramicWorkspaceDir();
const installed = fs.existsSync(path.join(workspace, 'node_modules', '@ceramicnetwork', 'cli', 'package.json'));
if (!installed && !process.env.LITBOX_REQUIRE_CERAMIC)
  console.warn(`skipping the Ceramic tests: the workspace is not installed; run \`${CERAMIC_INSTALL_COMMAND}\``);

interface StreamState {
  content: { posts?: { id: number; text: string; author: string; likes: string[] }[] } | null;
  next?: { content?: unknown };
  metadata: { controllers: string[] };
  log: { cid: string; type: number }[];
}

/** A Ceramic client that shares nothing with Litbox: js-ceramic's own http-client and TileDocument. */
async function freshClientRead(url: string, streamId: string) {
  const modules = path.join(workspace, 'node_modules', '@ceramicnetwork');
  const { CeramicClient } = await import(
    pathToFileURL(path.join(modules, 'http-client', 'lib', 'ceramic-http-client.js')).href
  );
  const { TileDocument } = await import(pathToFileURL(path.join(modules, 'stream-tile', 'lib', 'index.js')).href);
  const client = new CeramicClient(url);
  try {
    const doc = await TileDocument.load(client, streamId);
    return {
      content: doc.content as StreamState['content'],
      controller: doc.controllers[0] as string,
      commits: doc.allCommitIds.length as number,
    };
  } finally {
    await client.close();
  }
}

const Ceramic = new Function(`${CERAMIC_ACTION_HELPERS}\nreturn Ceramic;`)() as {
  readStream(
    url: string,
    streamId: string,
  ): Promise<{ streamId: string; controller: string; genesis: string; tip: string; commits: number }>;
  prepareUpdate(
    stream: unknown,
    patch: unknown[],
    did: string,
  ): { commit: { protected: string; payload: string; link: string; linkedBlock: string }; toSign: number[] };
};

async function loadState(url: string, streamId: string): Promise<StreamState> {
  const res = await fetch(`${url}/api/v0/streams/${streamId}`);
  return ((await res.json()) as { state: StreamState }).state;
}

describe.skipIf(!installed && !process.env.LITBOX_REQUIRE_CERAMIC)('the social example on a real Ceramic node', () => {
  const dataDir = tempDataDir('litbox-ceramic-');
  let host: RunningHost;
  let app: SocialApp;
  let url: string;
  const timings = { createPost: [] as number[], likePost: [] as number[] };

  beforeAll(async () => {
    host = await startHost({ dataDir, nodeCount: 3, port: 0, pools: { keys: 2, presignatures: 30 }, ceramic: true });
    url = host.ceramic!.url;
    await waitForPools(host, 1, 10);
    app = await socialOf(host).setup();
  }, 240_000);

  afterAll(async () => {
    const pid = host?.ceramic?.pid;
    const rss = pid ? /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : undefined;
    if (rss) console.log(`Ceramic node RSS ${Math.round(Number(rss) / 1024)} MB`);
    await host?.stop();
    console.log(
      `uptime: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )}; createPost ms ${timings.createPost.join(', ')}; likePost ms ${timings.likePost.join(', ')}; Ceramic start ${host?.ceramic?.lastStartMs} ms`,
    );
    if (!process.env.LITBOX_KEEP_TEST_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the node on loopback and shows it in the status', async () => {
    const status = host.supervisor.status();
    expect(status.ceramic).toMatchObject({ url, up: true, restarts: 0 });
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(app.did).toBe(`did:pkh:eip155:${status.chain.chainId}:${app.pkp.ethAddress.toLowerCase()}`);
  });

  it('the PKP permits exactly createPost and likePost and is burned', async () => {
    const details = await host.wallet.pkpDetails.details(app.pkp.publicKey, host.wallet.account.address);
    expect(details.owner).toBe('burned');
    expect(details.actions.map((a) => a.ipfsId).sort()).toEqual([app.actions.createPost, app.actions.likePost].sort());
  });

  it('a post written by createPost is read back by a fresh Ceramic client, controlled by the PKP', async () => {
    const written = await socialOf(host).post('gm from a PKP');
    timings.createPost.push(written.ms);
    const warm = await socialOf(host).post('second post');
    timings.createPost.push(warm.ms);
    const read = await freshClientRead(url, app.streamId);
    expect(read.controller).toBe(app.did);
    expect(read.content?.posts?.map((p) => p.text)).toEqual(['gm from a PKP', 'second post']);
    expect(read.content?.posts?.[0]?.author).toBe(host.wallet.account.address.toLowerCase());
    // Every signed commit names the PKP's did:pkh and ES256K-R: no session key in between.
    const commits = (await (await fetch(`${url}/api/v0/commits/${app.streamId}`)).json()) as {
      commits: { value: { jws?: { signatures: { protected: string }[] } } }[];
    };
    const signed = commits.commits.filter((c) => c.value.jws);
    expect(signed.length).toBe(2);
    for (const c of signed)
      expect(JSON.parse(Buffer.from(c.value.jws!.signatures[0]!.protected, 'base64url').toString())).toEqual({
        alg: 'ES256K-R',
        kid: `${app.did}#blockchainAccountId`,
      });
  });

  it('likePost likes once; a second like by the same person is refused and nothing is written', async () => {
    const liked = await socialOf(host).like(1);
    timings.likePost.push(liked.ms);
    expect(liked.posts[0]!.likes).toEqual([host.wallet.account.address.toLowerCase()]);
    const before = await loadState(url, app.streamId);
    await expect(socialOf(host).like(1)).rejects.toThrow(/has already liked post 1/);
    const after = await loadState(url, app.streamId);
    expect(after.log.map((e) => e.cid)).toEqual(before.log.map((e) => e.cid));
    const again = await socialOf(host).like(2);
    timings.likePost.push(again.ms);
  });

  it('bad input is refused by the action with a clear error, and nothing is written', async () => {
    const before = (await loadState(url, app.streamId)).log.length;
    await expect(socialOf(host).post('')).rejects.toThrow(/needs some text/);
    await expect(socialOf(host).post('x'.repeat(281))).rejects.toThrow(/at most 280 characters/);
    await expect(socialOf(host).like(99)).rejects.toThrow(/no post 99/);
    expect((await loadState(url, app.streamId)).log.length).toBe(before);
  });

  it('the node refuses a commit signed by anything but the PKP; the wallet account cannot sign as the PKP', async () => {
    const stream = await Ceramic.readStream(url, app.streamId);
    const prepared = Ceramic.prepareUpdate(
      stream,
      [{ op: 'add', path: '/posts/-', value: { id: 99, text: 'forged' } }],
      app.did,
    );
    const stranger = ethers.Wallet.createRandom();
    const sig = stranger.signingKey.sign(Uint8Array.from(prepared.toSign));
    const jws = {
      jws: {
        payload: prepared.commit.payload,
        signatures: [
          {
            protected: prepared.commit.protected,
            signature: Buffer.concat([
              ethers.getBytes(sig.r),
              ethers.getBytes(sig.s),
              Buffer.from([sig.yParity]),
            ]).toString('base64url'),
          },
        ],
        link: prepared.commit.link,
      },
      linkedBlock: Buffer.from(prepared.commit.linkedBlock, 'base64url').toString('base64').replace(/=+$/, ''),
    };
    const res = await fetch(`${url}/api/v0/commits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ streamId: app.streamId, commit: jws, opts: { anchor: false } }),
    });
    expect(res.ok).toBe(false);
    expect(await res.text()).toMatch(/signature|verif/i);
    expect((await loadState(url, app.streamId)).log.length).toBe(stream.commits);
    // The same digest, asked of the nodes by the wallet account: the burned PKP permits no one but its actions.
    const digest = `0x${Buffer.from(prepared.toSign).toString('hex')}`;
    expect(digest).toBe(
      `0x${Buffer.from(sha256(Buffer.from(`${prepared.commit.protected}.${prepared.commit.payload}`))).toString('hex')}`,
    );
    await expect(
      host.wallet.lit.pkpSign({
        publicKey: app.pkp.publicKey,
        toSign: digest,
        authSig: await host.wallet.account.authSig(),
      }),
    ).rejects.toBeInstanceOf(SigningRefusedError);
  });

  it('refuses a post clearly while down, is restarted after a crash, and the feed survives a restart of Litbox', async () => {
    const ceramic = host.ceramic!;
    const pid = ceramic.pid;
    ceramic.kill();
    // While it is down (its restart takes seconds): a clear error, and nothing half-written.
    await expect(socialOf(host).post('while the node is down')).rejects.toThrow(/ceramic/i);
    await waitFor('the Ceramic node back up', () => ceramic.up && ceramic.pid !== pid, 60_000);
    expect(host.supervisor.status().ceramic?.restarts).toBe(1);
    expect((await socialOf(host).feed()).posts).toHaveLength(2);

    await host.stop();
    host = await startHost({ dataDir, port: 0, pools: { keys: 2, presignatures: 30 }, ceramic: true });
    await waitForPools(host, 1, 10);
    expect(host.ceramic!.url).toBe(url);
    const read = await freshClientRead(url, app.streamId);
    expect(read.content?.posts?.map((p) => [p.text, p.likes.length])).toEqual([
      ['gm from a PKP', 1],
      ['second post', 1],
    ]);
    const after = await socialOf(host).post('after the restart');
    expect(after.posts).toHaveLength(3);
  }, 240_000);

  it('verify --stream: VALID for exactly the two actions, NOT VALID for any other set', async () => {
    const cli = (...args: string[]) => runCliProcess([...args, '--data-dir', dataDir]);
    const valid = await cli(
      'verify',
      '--stream',
      app.streamId,
      '--actions',
      `${app.actions.createPost},${app.actions.likePost}`,
    );
    expect(valid.stdout).toMatch(/^VALID/);
    expect(valid.stdout).toMatch(/5 signed commit\(s\)/);
    expect(valid.stdout).toMatch(/burned/);
    expect(valid.code).toBe(0);
    const partial = await cli('verify', '--stream', app.streamId, '--actions', app.actions.createPost, '--json');
    expect(partial.code).toBe(1);
    const verdict = JSON.parse(partial.stdout) as { valid: boolean; checks: { name: string; ok: boolean }[] };
    expect(verdict.valid).toBe(false);
    expect(verdict.checks.find((c) => c.name === 'actions')?.ok).toBe(false);
  });

  it('the CLI posts, likes once and shows the feed', async () => {
    const cli = (...args: string[]) => runCliProcess([...args, '--data-dir', dataDir]);
    const posted = await cli('social', 'post', 'from the CLI');
    expect(posted.stderr).toBe('');
    expect(posted.stdout).toMatch(/^posted #4 in \d+ ms/);
    expect((await cli('social', 'like', '4')).code).toBe(0);
    const again = await cli('social', 'like', '4');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already liked post 4/);
    const feed = JSON.parse((await cli('social', 'feed', '--json')).stdout) as {
      posts: { text: string; likes: string[] }[];
    };
    expect(feed.posts.map((p) => [p.text, p.likes.length])).toEqual([
      ['gm from a PKP', 1],
      ['second post', 1],
      ['after the restart', 0],
      ['from the CLI', 1],
    ]);
  });
});

describe('up --ceramic without the workspace', () => {
  it('stops at once and says what to run', async () => {
    const empty = tempDataDir('litbox-no-ceramic-');
    const result = await runCliProcess(['up', '--ceramic', '--data-dir', empty], 60_000, {
      env: { LITBOX_CERAMIC_DIR: empty },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Ceramic node is not installed.*npm run compat:ceramic:install/);
    expect(fs.readdirSync(empty)).toEqual([]);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});

function socialOf(host: RunningHost) {
  if (!host.social) throw new Error('the host has no social service');
  return host.social;
}
