import { createCipheriv, createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { base58btc } from 'multiformats/bases/base58';
import { describe, expect, it } from 'vitest';
import { actionIdFromCid, cidFromActionId } from '../contracts/ids.ts';
import {
  cidToMultihashBytes,
  cidV0,
  isCidV0,
  multihashBytesToCid,
  UNIXFS_CHUNK_SIZE,
  UNIXFS_MAX_LINKS,
} from './index.ts';

/**
 * Deterministic bytes exactly as kubo's test harness makes them (test/cli/testutils/
 * random_deterministic.go): the ChaCha20 keystream (RFC 8439, 12-byte zero nonce, counter from
 * 0) under the key sha256(seed). OpenSSL's "chacha20" takes a 16-byte IV = 32-bit little-endian
 * counter ‖ nonce, so an all-zero IV is the same stream.
 */
function kuboDeterministicBytes(size: number, seed: string): Uint8Array {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16));
  return new Uint8Array(cipher.update(Buffer.alloc(size)));
}

describe('cidV0 matches ipfs add', () => {
  // Each vector is a CID that go-ipfs/kubo printed for `ipfs add`, copied from a public source.
  const published: [content: string, cid: string, source: string][] = [
    ['hello world!', 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j', 'ipfs-api tests (infura), LIT-FACTS.md'],
    ['', 'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH', 'kubo t0040 "zero length file has correct hash"'],
    [
      'hello world',
      'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD',
      'kubo test/cli/add_test.go and cid_profiles_test.go',
    ],
    ['hello, world!', 'QmQy2Dw4Wk7rdJKjThjYXzfFJNaRKRHhHP5gHHXroJMYxk', 'kubo core/coreiface/tests/unixfs.go'],
    ['hello\n', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN', 'kubo t0114-gateway-subdomains README'],
  ];
  for (const [content, cid, source] of published) {
    it(`${JSON.stringify(content)} -> ${cid} (${source})`, () => {
      expect(cidV0(content)).toBe(cid);
      expect(cidV0(new TextEncoder().encode(content))).toBe(cid);
    });
  }

  it('hashes strings as UTF-8', () => {
    expect(cidV0('héllo ✓ 🔑')).toBe(cidV0(new Uint8Array(Buffer.from('héllo ✓ 🔑', 'utf8'))));
  });

  // kubo's test/cli/cid_profiles_test.go pins these for the default profile (unixfs-v0-2015)
  // at the chunker and max-links boundaries, on kuboDeterministicBytes.
  it('a file of exactly one chunk is a single leaf (262 144 bytes, seed "chunk-v0-seed")', () => {
    expect(cidV0(kuboDeterministicBytes(UNIXFS_CHUNK_SIZE, 'chunk-v0-seed'))).toBe(
      'QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE',
    );
  });

  it('one byte over a chunk makes a root with two leaves (262 145 bytes)', () => {
    expect(cidV0(kuboDeterministicBytes(UNIXFS_CHUNK_SIZE + 1, 'chunk-v0-seed'))).toBe(
      'QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ',
    );
  });

  it('174 chunks fit under one root; one byte more adds a second level (seed "v0-seed")', () => {
    const bytes = kuboDeterministicBytes(UNIXFS_MAX_LINKS * UNIXFS_CHUNK_SIZE + 1, 'v0-seed');
    expect(cidV0(bytes.subarray(0, UNIXFS_MAX_LINKS * UNIXFS_CHUNK_SIZE))).toBe(
      'QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2',
    );
    expect(cidV0(bytes)).toBe('QmV81WL765sC8DXsRhE5fJv2rwhS4icHRaf3J9Zk5FdRnW');
  });

  it('256 KiB of 0x01 is the leaf that js-unixfs lists as bafybeihhsdoupgd... (same multihash)', () => {
    // @ipld/unixfs test/file.spec.js "splits into 3 chunks": its first leaf block, printed as
    // CIDv1; a dag-pb leaf has no links, so CIDv0 and CIDv1 share the multihash.
    expect(cidV0(new Uint8Array(UNIXFS_CHUNK_SIZE).fill(1))).toBe('Qmdvb1L9GmvnrpaSv9GcdU4ko4mG9qHekrN9HQfuyvA7AQ');
  });

  it('1 MiB (four chunks) gives the root block derived by hand from the dag-pb and UnixFS specs', () => {
    // Chunk i (i = 0..3) is 262 144 bytes of the value i + 1.
    const content = new Uint8Array(4 * UNIXFS_CHUNK_SIZE);
    for (let i = 0; i < 4; i++) content.fill(i + 1, i * UNIXFS_CHUNK_SIZE, (i + 1) * UNIXFS_CHUNK_SIZE);

    // Leaf = PBNode{Data (0a): UnixFS{Type (08) = 2, Data (12) = chunk, filesize (18) = 262144}}.
    // varint(262144) = 80 80 10; the UnixFS message is 2 + (1+3+262144) + (1+3) = 262154 bytes,
    // varint(262154) = 8a 80 10; the whole leaf is 1 + 3 + 262154 = 262158 bytes.
    const leafDigests = [1, 2, 3, 4].map((value) => {
      const chunk = new Uint8Array(UNIXFS_CHUNK_SIZE).fill(value);
      const leaf = concat(hexToBytes('0a8a8010' + '0802' + '12808010'), chunk, hexToBytes('18808010'));
      expect(leaf.length).toBe(262_158);
      return sha256(leaf);
    });
    // Root = four links, then Data. A link is PBLink{Hash (0a) = 22-byte length + 1220‖digest,
    // Name (12) = "", Tsize (18) = 262158 = varint 8e 80 10}: 2 + 34 + 2 + 4 = 42 = 0x2a bytes.
    // Data = UnixFS{Type = 2, filesize = 1048576 (varint 80 80 40), blocksizes (20) = 262144 x4}:
    // 2 + 4 + 4x4 = 22 = 0x16 bytes.
    const root = concat(
      ...leafDigests.map((digest) => concat(hexToBytes('122a' + '0a221220'), digest, hexToBytes('1200' + '188e8010'))),
      hexToBytes('0a16' + '0802' + '18808040' + '20808010'.repeat(4)),
    );
    const expected = base58btc.baseEncode(concat(hexToBytes('1220'), sha256(root)));
    expect(cidV0(content)).toBe(expected);
  });

  it('a 256 KiB + 1 byte file: two leaves under one root, derived by hand', () => {
    const content = new Uint8Array(UNIXFS_CHUNK_SIZE + 1).fill(0x61);
    const fullLeaf = concat(hexToBytes('0a8a8010080212808010'), content.subarray(1), hexToBytes('18808010'));
    // The 1-byte leaf: UnixFS{08 02, 12 01 61, 18 01} = 7 bytes; leaf = 0a 07 ... = 9 bytes.
    const tinyLeaf = hexToBytes('0a07' + '0802' + '120161' + '1801');
    const root = concat(
      hexToBytes('122a0a221220'),
      sha256(fullLeaf),
      hexToBytes('1200188e8010'),
      // Tsize 9; link = 2 + 34 + 2 + 2 = 40 = 0x28 bytes.
      hexToBytes('12280a221220'),
      sha256(tinyLeaf),
      hexToBytes('12001809'),
      // UnixFS{08 02, filesize 262145 = 81 80 10, blocksizes 262144 and 1}: 2 + 4 + 4 + 2 = 12.
      hexToBytes('0a0c' + '0802' + '18818010' + '20808010' + '2001'),
    );
    expect(cidV0(content)).toBe(base58btc.baseEncode(concat(hexToBytes('1220'), sha256(root))));
  });
});

describe('CIDv0 and on-chain multihash bytes', () => {
  const cid = 'QmTp2hEo8eXRp6wg7jXv1BLCMh5a4F3B7buAUZNZUu772j';

  it('gives the 34-byte 0x1220 ‖ sha256 id and back', () => {
    const bytes = cidToMultihashBytes(cid);
    expect(bytes.length).toBe(34);
    expect(bytes.subarray(0, 2)).toEqual(new Uint8Array([0x12, 0x20]));
    expect(multihashBytesToCid(bytes)).toBe(cid);
    expect(multihashBytesToCid('0x' + bytesToHex(bytes))).toBe(cid);
    expect(multihashBytesToCid(bytesToHex(bytes))).toBe(cid);
  });

  it('agrees with the contract ids module (ethers base58)', () => {
    expect('0x' + bytesToHex(cidToMultihashBytes(cid))).toBe(actionIdFromCid(cid));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (digest) => {
        const id = concat(new Uint8Array([0x12, 0x20]), digest);
        const c = multihashBytesToCid(id);
        expect(isCidV0(c)).toBe(true);
        expect(c).toBe(cidFromActionId(id));
        expect(cidToMultihashBytes(c)).toEqual(id);
      }),
    );
  });

  it('every computed CID is a CIDv0', () => {
    fc.assert(fc.property(fc.string(), (s) => isCidV0(cidV0(s))));
  });

  it('tells CIDv0 strings from everything else', () => {
    expect(isCidV0(cid)).toBe(true);
    expect(isCidV0('bafybeihhsdoupgd3fnl3e3367ymsanmikafpllldsdt37jzyoh6nuatowe')).toBe(false);
    expect(isCidV0(cid.slice(0, -1))).toBe(false);
    expect(isCidV0(cid.replace('Qm', 'Qn'))).toBe(false);
    expect(isCidV0(cid.slice(0, -1) + '0')).toBe(false); // 0 is not base58
    expect(isCidV0(` ${cid}`)).toBe(false);
    expect(isCidV0(undefined)).toBe(false);
    expect(isCidV0(42)).toBe(false);
  });

  it('refuses malformed input with a message that says what was expected', () => {
    expect(() => cidToMultihashBytes('not-a-cid')).toThrow(/is not an IPFS CIDv0/);
    expect(() => multihashBytesToCid(new Uint8Array(33))).toThrow(/34 bytes starting with 0x1220.*got 33 bytes/);
    expect(() => multihashBytesToCid(concat(hexToBytes('1320'), new Uint8Array(32)))).toThrow(/starting with 0x1320/);
    expect(() => multihashBytesToCid('0x12zz')).toThrow(/not hex/);
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
