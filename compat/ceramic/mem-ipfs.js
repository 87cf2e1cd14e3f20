// The IPFS that Litbox's Ceramic node uses: a small in-process block store with exactly the calls
// js-ceramic 6.11 makes (id, version, isOnline, config.get, codecs, block.get, dag.put/get/
// resolve/import, pin, pubsub, swarm). No kubo, go-ipfs or ceramic-one can be installed on an
// offline machine, and js-IPFS would be a second process with a larger, drifting dependency tree
// (see docs/CERAMIC.md). One node needs no bitswap or DHT: every block it has was written here.
// Blocks live in memory and, one file per CID, in a folder, so streams survive a restart.
import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import * as raw from 'multiformats/codecs/raw';
import * as dagCbor from '@ipld/dag-cbor';
import * as dagJson from '@ipld/dag-json';
import * as dagJose from 'dag-jose';

const CODECS = [dagCbor, dagJose, dagJson, raw];

class NotFoundError extends Error {
  constructor(cid) {
    super(`block ${cid} is not in this node's store (the local IPFS has no network to fetch it from)`);
    this.code = 'ERR_NOT_FOUND';
  }
}

function codecOf(code) {
  const codec = CODECS.find((c) => c.code === code);
  if (!codec) throw new Error(`no codec 0x${code.toString(16)} in the local IPFS`);
  return codec;
}

export function createMemIpfs({ blocksDir, peerId = 'litbox-local-ipfs', apiUrl = 'http://127.0.0.1:0' } = {}) {
  const blocks = new Map();
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  let sequence = 0n;
  if (blocksDir) fs.mkdirSync(blocksDir, { recursive: true });

  const fileOf = (cid) => path.join(blocksDir, cid.toV1().toString());
  function putBlock(cid, bytes) {
    const key = cid.toV1().toString();
    if (blocks.has(key)) return;
    blocks.set(key, bytes);
    if (blocksDir) {
      // Written to a temporary name first: a crash mid-write never leaves a truncated block.
      const temp = `${fileOf(cid)}.tmp`;
      fs.writeFileSync(temp, bytes);
      fs.renameSync(temp, fileOf(cid));
    }
  }
  function getBlock(cid) {
    const key = cid.toV1().toString();
    let bytes = blocks.get(key);
    if (!bytes && blocksDir) {
      try {
        bytes = new Uint8Array(fs.readFileSync(fileOf(cid)));
        blocks.set(key, bytes);
      } catch {
        // not stored
      }
    }
    if (!bytes) throw new NotFoundError(cid);
    return bytes;
  }
  async function putValue(value, codec) {
    const bytes = codec.encode(value);
    const cid = CID.create(1, codec.code, await sha256.digest(bytes));
    putBlock(cid, bytes);
    return cid;
  }
  // Walks a path through decoded blocks, following links; returns where it ended.
  function walk(cid, pathText = '') {
    let current = cid;
    let value = codecOf(cid.code).decode(getBlock(cid));
    const parts = pathText.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      if (value === null || typeof value !== 'object' || !(parts[i] in value))
        throw new Error(`no path /${parts.slice(0, i + 1).join('/')} in ${cid}`);
      value = value[parts[i]];
      const link = CID.asCID(value);
      if (link) {
        current = link;
        value = codecOf(link.code).decode(getBlock(link));
      }
    }
    return { cid: current, value };
  }

  const asCid = (cid) => (typeof cid === 'string' ? CID.parse(cid) : (CID.asCID(cid) ?? CID.decode(cid.bytes)));
  // A target is a CID, or (as kubo takes it, and Ceramic's pin store gives it) "CID/some/path".
  const target = (cidOrPath, extraPath = '') => {
    if (typeof cidOrPath !== 'string') return { cid: asCid(cidOrPath), path: extraPath };
    const [head, ...rest] = cidOrPath.replace(/^\/ipfs\//, '').split('/');
    return { cid: CID.parse(head), path: [...rest, ...extraPath.split('/')].filter(Boolean).join('/') };
  };

  return {
    async id() {
      return { id: { toString: () => peerId }, addresses: [], agentVersion: 'litbox-mem-ipfs', protocolVersion: '' };
    },
    async version() {
      return { version: 'litbox-mem-ipfs/1' };
    },
    async isOnline() {
      return true;
    },
    config: {
      async get(key) {
        return key === 'Addresses.API' ? apiUrl : '';
      },
    },
    codecs: {
      listCodecs: () => CODECS,
      async getCodec(code) {
        return codecOf(code);
      },
    },
    block: {
      async get(cid) {
        return getBlock(asCid(cid));
      },
      async put(bytes, options = {}) {
        const code = options.format === 'dag-jose' ? dagJose.code : options.format === 'raw' ? raw.code : dagCbor.code;
        const cid = CID.create(1, code, await sha256.digest(bytes));
        putBlock(cid, bytes);
        return cid;
      },
    },
    dag: {
      async put(value, options = {}) {
        const name = options.storeCodec ?? options.format ?? 'dag-cbor';
        const codec = CODECS.find((c) => c.name === name);
        if (!codec) throw new Error(`no codec ${name} in the local IPFS`);
        return putValue(value, codec);
      },
      async get(cid, options = {}) {
        const at = target(cid, options.path);
        const { value } = walk(at.cid, at.path);
        return { value, remainderPath: '' };
      },
      async resolve(cid, options = {}) {
        const at = target(cid, options.path);
        const { cid: reached } = walk(at.cid, at.path);
        return { cid: reached, remainderPath: '' };
      },
      async *import(car) {
        // js-ceramic hands over a cartonne CAR: its blocks and roots.
        for (const block of car.blocks) {
          const digest = await sha256.digest(block.payload);
          if (block.cid.multihash.code === sha256.code && !equalBytes(digest.digest, block.cid.multihash.digest))
            throw new Error(`block ${block.cid} does not match its hash`);
          putBlock(block.cid, block.payload);
        }
        for (const root of car.roots) yield { root: { cid: root, pinErrorMsg: '' } };
      },
    },
    pin: {
      async add(cid) {
        return asCid(cid);
      },
      async rm(cid) {
        return asCid(cid);
      },
      async *ls() {},
    },
    // One node: its own messages come back to it (as with kubo), which keeps Ceramic's
    // "no pubsub messages" watchdog quiet; nobody else is listening.
    pubsub: {
      async subscribe(topic, handler) {
        bus.on(topic, handler);
      },
      async unsubscribe(topic, handler) {
        if (handler) bus.off(topic, handler);
        else bus.removeAllListeners(topic);
      },
      async publish(topic, data) {
        const message = { type: 'signed', from: { toString: () => peerId }, topic, data, sequenceNumber: ++sequence };
        setImmediate(() => bus.emit(topic, message));
      },
      async ls() {
        return bus.eventNames().map(String);
      },
      async peers() {
        return [];
      },
    },
    swarm: {
      async peers() {
        return [];
      },
      async connect() {},
      async addrs() {
        return [];
      },
    },
    async stop() {},
  };
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
