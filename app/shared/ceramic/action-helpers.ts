/**
 * The helper library a Lit Action uses to write to a Ceramic stream as its PKP's did:pkh. The
 * sandbox has no imports and no crypto, so this is plain JavaScript text that an action's code
 * starts with (see socialActionCode): SHA-256, the dag-cbor subset a commit needs, base32/base64url,
 * reading a stream over the allow-listed fetch, and building an update commit whose digest the
 * action hands to Lit.Actions.signEcdsa. The signature that makes is ES256K-R over
 * SHA-256(JWS signing input): exactly what a did:pkh commit needs, so no session key exists.
 *
 * Kept as a fixed string: the action's CID covers it byte for byte, so it must not change
 * with a bundler or a formatter.
 */
export const CERAMIC_ACTION_HELPERS = String.raw`const Ceramic = (() => {
  'use strict';
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  /** SHA-256 of a Uint8Array (FIPS 180-4). */
  function sha256(data) {
    const bitLength = data.length * 8;
    const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[data.length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
    view.setUint32(padded.length - 4, bitLength >>> 0);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15], b = w[i - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
    return out;
  }

  const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
  function base64url(bytes) {
    let out = '';
    let bits = 0, value = 0;
    for (const byte of bytes) {
      value = (value << 8) | byte; bits += 8;
      while (bits >= 6) { bits -= 6; out += B64URL[(value >> bits) & 63]; }
    }
    if (bits > 0) out += B64URL[(value << (6 - bits)) & 63];
    return out;
  }
  function base32(bytes) {
    let out = '';
    let bits = 0, value = 0;
    for (const byte of bytes) {
      value = (value << 8) | byte; bits += 8;
      while (bits >= 5) { bits -= 5; out += B32[(value >> bits) & 31]; }
    }
    if (bits > 0) out += B32[(value << (5 - bits)) & 31];
    return out;
  }
  function fromBase32(text) {
    const out = [];
    let bits = 0, value = 0;
    for (const ch of text) {
      const digit = B32.indexOf(ch);
      if (digit < 0) throw new Error('not base32: ' + text);
      value = ((value << 5) | digit) & 0xffff; bits += 5;
      if (bits >= 8) { bits -= 8; out.push((value >> bits) & 255); }
    }
    return new Uint8Array(out);
  }
  const utf8 = (text) => new TextEncoder().encode(text);

  /** A CID as IPLD links it: parsed from its base32 text ("b…"), kept as bytes. */
  class Link {
    constructor(bytes) { this.bytes = bytes; }
    static parse(text) {
      if (typeof text !== 'string' || text[0] !== 'b') throw new Error('expected a base32 CIDv1, got ' + text);
      return new Link(fromBase32(text.slice(1)));
    }
    toString() { return 'b' + base32(this.bytes); }
  }

  /** dag-cbor: canonical CBOR (shortest heads, map keys by length then bytes), CIDs as tag 42. */
  function encode(value) {
    const parts = [];
    const head = (major, n) => {
      if (n < 24) parts.push([(major << 5) | n]);
      else if (n < 0x100) parts.push([(major << 5) | 24, n]);
      else if (n < 0x10000) parts.push([(major << 5) | 25, n >> 8, n & 255]);
      else if (n < 0x100000000) parts.push([(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
      else throw new Error('integer too large for this encoder: ' + n);
    };
    const put = (v) => {
      if (v === null) parts.push([0xf6]);
      else if (v === true) parts.push([0xf5]);
      else if (v === false) parts.push([0xf4]);
      else if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw new Error('only whole numbers can be stored: ' + v);
        if (v >= 0) head(0, v); else head(1, -1 - v);
      } else if (typeof v === 'string') { const b = utf8(v); head(3, b.length); parts.push(b); }
      else if (v instanceof Link) { parts.push([0xd8, 42]); head(2, v.bytes.length + 1); parts.push([0]); parts.push(v.bytes); }
      else if (v instanceof Uint8Array) { head(2, v.length); parts.push(v); }
      else if (Array.isArray(v)) { head(4, v.length); v.forEach(put); }
      else if (typeof v === 'object') {
        const keys = Object.keys(v).filter((k) => v[k] !== undefined)
          .map((k) => [k, utf8(k)])
          .sort((x, y) => x[1].length - y[1].length || compareBytes(x[1], y[1]));
        head(5, keys.length);
        for (const [k, b] of keys) { head(3, b.length); parts.push(b); put(v[k]); }
      } else throw new Error('cannot encode a ' + typeof v);
    };
    put(value);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function compareBytes(a, b) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  /** CIDv1, dag-cbor (0x71), sha2-256 (0x12, 32 bytes) of an encoded block. */
  function cidOf(block) {
    const bytes = new Uint8Array(36);
    bytes.set([0x01, 0x71, 0x12, 0x20]);
    bytes.set(sha256(block), 4);
    return new Link(bytes);
  }

  /** The did:pkh of an Ethereum address on a chain (lowercase, as did-session writes it). */
  function didPkh(chainId, address) {
    return 'did:pkh:eip155:' + chainId + ':' + String(address).toLowerCase();
  }

  /**
   * A stream as the node serves it: the content a reader sees (the pending update if any), the
   * tip to build on, the genesis, the controller.
   */
  async function readStream(ceramicUrl, streamId) {
    const res = await fetch(ceramicUrl + '/api/v0/streams/' + encodeURIComponent(streamId));
    const text = await res.text();
    if (!res.ok) throw new Error('Ceramic could not load ' + streamId + ' (' + res.status + '): ' + text.slice(0, 300));
    const { state } = JSON.parse(text);
    const log = state.log;
    return {
      streamId,
      content: state.next && state.next.content !== undefined ? state.next.content : state.content,
      controller: ((state.next && state.next.metadata) || state.metadata).controllers[0],
      family: state.metadata.family,
      genesis: log[0].cid,
      tip: log[log.length - 1].cid,
      commits: log.length,
    };
  }

  /**
   * An update commit on a TileDocument stream (a JSON patch on its content), ready to sign
   * directly as the did:pkh controller: returns what the signature goes with, and the 32-byte
   * digest, SHA-256(protected "." payload), as the array Lit.Actions.signEcdsa takes.
   */
  function prepareUpdate(stream, patch, did) {
    if (stream.controller !== did) throw new Error('the stream is controlled by ' + stream.controller + ', not ' + did);
    const commit = { header: {}, data: patch, prev: Link.parse(stream.tip), id: Link.parse(stream.genesis) };
    const block = encode(commit);
    const cid = cidOf(block);
    const protectedHeader = base64url(utf8(JSON.stringify({ alg: 'ES256K-R', kid: did + '#blockchainAccountId' })));
    const payload = base64url(cid.bytes);
    const digest = sha256(utf8(protectedHeader + '.' + payload));
    return {
      streamId: stream.streamId,
      commit: { protected: protectedHeader, payload, link: cid.toString(), linkedBlock: base64url(block) },
      toSign: Array.from(digest),
    };
  }

  return Object.freeze({ sha256, base64url, base32, encode, cidOf, Link, didPkh, readStream, prepareUpdate });
})();
`;
