import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ceramicWorkspaceDir } from './ceramic-workspace.ts';

// The in-process IPFS lives in the Ceramic workspace (it imports that workspace's multiformats).
const workspace = ceramicWorkspaceDir();
const installed = fs.existsSync(path.join(workspace, 'node_modules', 'multiformats', 'package.json'));

interface Cid {
  toString(): string;
  equals(other: unknown): boolean;
}
interface MemIpfs {
  dag: {
    put(value: unknown, options?: { storeCodec?: string }): Promise<Cid>;
    get(target: Cid | string, options?: { path?: string }): Promise<{ value: unknown }>;
    resolve(target: Cid | string, options?: { path?: string }): Promise<{ cid: Cid }>;
    import(car: { blocks: { cid: unknown; payload: Uint8Array }[]; roots: unknown[] }): AsyncIterable<unknown>;
  };
  block: { get(cid: Cid): Promise<Uint8Array> };
  codecs: { listCodecs(): { name: string }[] };
}

async function load(): Promise<(options: { blocksDir?: string }) => MemIpfs> {
  return (await import(pathToFileURL(path.join(workspace, 'mem-ipfs.js')).href)).createMemIpfs;
}

describe.skipIf(!installed && !process.env.LITBOX_REQUIRE_CERAMIC)('the in-process IPFS Ceramic runs on', () => {
  it('stores blocks, follows paths (also "CID/path" text) and keeps blocks across instances', async () => {
    const createMemIpfs = await load();
    const blocksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litbox-mem-ipfs-'));
    const ipfs = createMemIpfs({ blocksDir });
    expect(ipfs.codecs.listCodecs().map((c) => c.name)).toEqual(['dag-cbor', 'dag-jose', 'dag-json', 'raw']);
    const leaf = await ipfs.dag.put({ n: 1 });
    const root = await ipfs.dag.put({ prev: leaf, nested: { link: leaf } });
    expect((await ipfs.dag.resolve(`${root.toString()}/prev`)).cid.equals(leaf)).toBe(true);
    expect((await ipfs.dag.resolve(root, { path: '/nested/link' })).cid.equals(leaf)).toBe(true);
    expect((await ipfs.dag.get(`/ipfs/${root.toString()}/nested/link`)).value).toEqual({ n: 1 });
    await expect(ipfs.dag.get(root, { path: '/missing' })).rejects.toThrow(/no path \/missing/);

    const again = createMemIpfs({ blocksDir });
    expect((await again.dag.get(root)).value).toMatchObject({ nested: {} });
    expect(fs.readdirSync(blocksDir).sort()).toEqual([leaf.toString(), root.toString()].sort());
    fs.rmSync(blocksDir, { recursive: true });
  });

  it('refuses an imported block that does not match its CID, and an unknown block', async () => {
    const createMemIpfs = await load();
    const ipfs = createMemIpfs({});
    const cid = await ipfs.dag.put({ a: 1 });
    const other = createMemIpfs({});
    const forged = { blocks: [{ cid, payload: new TextEncoder().encode('not the block') }], roots: [cid] };
    await expect(async () => {
      for await (const _ of other.dag.import(forged)) void _;
    }).rejects.toThrow(/does not match its hash/);
    await expect(other.block.get(cid)).rejects.toThrow(/not in this node's store/);
  });
});
