// IPFS CIDv0 of a file, exactly as `ipfs add` (kubo's default import, IPIP-499 profile
// "unixfs-v0-2015") computes it: the bytes are cut into 262 144-byte chunks; each chunk becomes a
// dag-pb leaf holding a UnixFS File message with the chunk (no raw leaves); the leaves are joined
// by a balanced tree of dag-pb File nodes with at most 174 links each; every block is hashed
// with sha2-256 and the root's multihash (0x12 0x20 ‖ digest) is written in base58btc ("Qm...").
// A file of one chunk (or an empty file) is just its leaf.
//
// Block layouts (protobuf field tags in hex; every varint is unsigned LEB128):
//   leaf:     0a <len> [ 08 02  12 <n> <chunk>  18 <n> ]          (12 <n> <chunk> absent if n = 0)
//   interior: per child  12 <len> [ 0a 22 <34-byte multihash>  12 00  18 <tsize> ]
//             then       0a <len> [ 08 02  18 <file size>  (20 <child file size>)* ]
// dag-pb writes Links (field 2) before Data (field 1); each link carries an empty Name and
// Tsize = the child's block size plus the Tsize of all its links (the whole subtree's bytes).
// UnixFS Type 2 = File; field 3 = filesize, field 4 = blocksizes (one per child, not packed).
//
// Pure functions on Uint8Array with @noble/hashes and multiformats' base58: no Node built-ins,
// so the renderer can show a live CID while code is typed.
import { sha256 } from '@noble/hashes/sha2.js';
import { base58btc } from 'multiformats/bases/base58';

/** Chunk size of `ipfs add` (`--chunker=size-262144`). */
export const UNIXFS_CHUNK_SIZE = 262_144;
/** Maximum links per node of the balanced layout (`Import.UnixFSFileMaxLinks`). */
export const UNIXFS_MAX_LINKS = 174;

/** Multihash prefix of sha2-256: code 0x12, digest length 0x20. */
const SHA2_256 = 0x12;
const DIGEST_LENGTH = 0x20;
const MULTIHASH_LENGTH = 34;
const CID_V0_PATTERN = /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/;

/** One block of the DAG, as a link from its parent sees it. */
interface DagLink {
  /** 34-byte sha2-256 multihash of the block. */
  readonly multihash: Uint8Array;
  /** Bytes of the whole subtree (the block plus every block below it). */
  readonly tsize: number;
  /** Bytes of file content under this block. */
  readonly fileSize: number;
}

const utf8 = new TextEncoder();

/** The CIDv0 (`Qm...`) that `ipfs add` gives for this content; strings are hashed as UTF-8. */
export function cidV0(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? utf8.encode(content) : content;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('cidV0 takes a string or a Uint8Array');
  return base58btc.baseEncode(fileMultihash(bytes));
}

/** The 34-byte multihash (0x12 0x20 ‖ sha256 of the root block) that `ipfs add` gives for the content. */
export function fileMultihash(content: Uint8Array): Uint8Array {
  let level: DagLink[] = [];
  if (content.length === 0) level.push(leaf(content));
  for (let offset = 0; offset < content.length; offset += UNIXFS_CHUNK_SIZE) {
    level.push(leaf(content.subarray(offset, offset + UNIXFS_CHUNK_SIZE)));
  }
  // Grouping each level into runs of 174 from the left gives the same tree as kubo's balanced
  // builder, which fills a full subtree of depth d before starting the next one.
  while (level.length > 1) {
    const parents: DagLink[] = [];
    for (let i = 0; i < level.length; i += UNIXFS_MAX_LINKS) {
      parents.push(interior(level.slice(i, i + UNIXFS_MAX_LINKS)));
    }
    level = parents;
  }
  const [root] = level;
  if (!root) throw new Error('unreachable: a file always has a root block');
  return root.multihash;
}

/** True for a string that is a sha2-256 CIDv0 ("Qm" and 44 more base58btc characters). */
export function isCidV0(value: unknown): value is string {
  if (typeof value !== 'string' || !CID_V0_PATTERN.test(value)) return false;
  try {
    return isSha256Multihash(base58btc.baseDecode(value));
  } catch {
    return false;
  }
}

/** The 34 multihash bytes (0x1220 ‖ sha256) of a CIDv0: the id a Lit Action has on chain. */
export function cidToMultihashBytes(cid: string): Uint8Array {
  if (!isCidV0(cid)) {
    throw new Error(`${JSON.stringify(String(cid))} is not an IPFS CIDv0 (46 base58 characters starting with Qm)`);
  }
  return base58btc.baseDecode(cid);
}

/** The CIDv0 of 34 multihash bytes, given as bytes or as hex (with or without 0x), e.g. read from chain. */
export function multihashBytesToCid(multihash: Uint8Array | string): string {
  const bytes = typeof multihash === 'string' ? hexToBytes(multihash) : multihash;
  if (!isSha256Multihash(bytes)) {
    throw new Error(
      `a CIDv0 multihash is 34 bytes starting with 0x1220 (sha2-256); got ${bytes.length} bytes` +
        (bytes.length >= 2 ? ` starting with 0x${hex2(bytes[0])}${hex2(bytes[1])}` : ''),
    );
  }
  return base58btc.baseEncode(bytes);
}

function leaf(chunk: Uint8Array): DagLink {
  const n = chunk.length;
  // UnixFS Data: Type = File, Data = the chunk (only if not empty), filesize = n.
  const dataField = n > 0 ? 1 + varintLength(n) + n : 0;
  const unixfsLength = 2 + dataField + 1 + varintLength(n);
  const head = new ByteWriter(1 + varintLength(unixfsLength) + 2 + (n > 0 ? 1 + varintLength(n) : 0));
  head.byte(0x0a).varint(unixfsLength).byte(0x08).byte(0x02);
  if (n > 0) head.byte(0x12).varint(n);
  const tail = new ByteWriter(1 + varintLength(n)).byte(0x18).varint(n);
  const digest = sha256.create().update(head.bytes).update(chunk).update(tail.bytes).digest();
  return { multihash: toMultihash(digest), tsize: head.bytes.length + n + tail.bytes.length, fileSize: n };
}

function interior(children: readonly DagLink[]): DagLink {
  let fileSize = 0;
  let subtree = 0;
  const linkLengths: number[] = [];
  let size = 0;
  for (const child of children) {
    const linkLength = 2 + MULTIHASH_LENGTH + 2 + 1 + varintLength(child.tsize);
    linkLengths.push(linkLength);
    size += 1 + varintLength(linkLength) + linkLength;
    fileSize += child.fileSize;
    subtree += child.tsize;
  }
  let unixfsLength = 2 + 1 + varintLength(fileSize);
  for (const child of children) unixfsLength += 1 + varintLength(child.fileSize);
  size += 1 + varintLength(unixfsLength) + unixfsLength;

  const block = new ByteWriter(size);
  children.forEach((child, i) => {
    block
      .byte(0x12)
      .varint(linkLengths[i] ?? 0)
      .byte(0x0a)
      .byte(MULTIHASH_LENGTH)
      .raw(child.multihash)
      .byte(0x12)
      .byte(0x00)
      .byte(0x18)
      .varint(child.tsize);
  });
  block.byte(0x0a).varint(unixfsLength).byte(0x08).byte(0x02).byte(0x18).varint(fileSize);
  for (const child of children) block.byte(0x20).varint(child.fileSize);
  return { multihash: toMultihash(sha256(block.done())), tsize: size + subtree, fileSize };
}

function toMultihash(digest: Uint8Array): Uint8Array {
  const multihash = new Uint8Array(MULTIHASH_LENGTH);
  multihash[0] = SHA2_256;
  multihash[1] = DIGEST_LENGTH;
  multihash.set(digest, 2);
  return multihash;
}

function isSha256Multihash(bytes: Uint8Array): boolean {
  return bytes.length === MULTIHASH_LENGTH && bytes[0] === SHA2_256 && bytes[1] === DIGEST_LENGTH;
}

/** Bytes of an unsigned LEB128 varint (file sizes stay far below 2^53). */
function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

/** A fixed-size buffer filled front to back; `done()` checks it was filled exactly. */
class ByteWriter {
  readonly bytes: Uint8Array;
  private at = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  byte(value: number): this {
    this.bytes[this.at++] = value;
    return this;
  }

  varint(value: number): this {
    while (value >= 0x80) {
      this.bytes[this.at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.bytes[this.at++] = value;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }

  done(): Uint8Array {
    if (this.at !== this.bytes.length)
      throw new Error(`unreachable: block size ${this.bytes.length}, wrote ${this.at}`);
    return this.bytes;
  }
}

function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new Error(`${JSON.stringify(hex)} is not hex bytes`);
  }
  const bytes = new Uint8Array(body.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function hex2(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}
