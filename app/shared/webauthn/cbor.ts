/**
 * The small part of CBOR (RFC 8949) that WebAuthn needs: attestation objects and COSE keys.
 * Definite lengths only (CTAP2's canonical form has no indefinite items), integers within
 * JavaScript's safe range, no tags. Maps come back as Map so integer keys (COSE labels) stay
 * integers. The encoder writes CTAP2 canonical CBOR (shortest heads, map keys sorted by their
 * encoded bytes, shorter first).
 */

export type CborValue = number | string | boolean | null | undefined | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<number | string, CborValue>;

const MAX_DEPTH = 16;
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

export class CborError extends Error {
  constructor(message: string) {
    super(`CBOR: ${message}`);
    this.name = 'CborError';
  }
}

/** Decodes the first item at `offset`; returns it and the offset just past it. */
export function decodeCborItem(bytes: Uint8Array, offset = 0): { value: CborValue; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;

  const need = (n: number): void => {
    if (pos + n > bytes.length) throw new CborError('unexpected end of data');
  };

  const readArgument = (info: number): number => {
    if (info < 24) return info;
    if (info === 24) {
      need(1);
      return view.getUint8(pos++);
    }
    if (info === 25) {
      need(2);
      const v = view.getUint16(pos);
      pos += 2;
      return v;
    }
    if (info === 26) {
      need(4);
      const v = view.getUint32(pos);
      pos += 4;
      return v;
    }
    if (info === 27) {
      need(8);
      const v = view.getBigUint64(pos);
      pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError('integer too large');
      return Number(v);
    }
    if (info === 31) throw new CborError('indefinite lengths are not supported');
    throw new CborError(`reserved additional information ${info}`);
  };

  const readItem = (depth: number): CborValue => {
    if (depth > MAX_DEPTH) throw new CborError('nested too deeply');
    need(1);
    const head = view.getUint8(pos++);
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0:
        return readArgument(info);
      case 1:
        return -1 - readArgument(info);
      case 2: {
        const length = readArgument(info);
        need(length);
        const out = bytes.slice(pos, pos + length);
        pos += length;
        return out;
      }
      case 3: {
        const length = readArgument(info);
        need(length);
        let text: string;
        try {
          text = textDecoder.decode(bytes.subarray(pos, pos + length));
        } catch {
          throw new CborError('text string is not UTF-8');
        }
        pos += length;
        return text;
      }
      case 4: {
        const length = readArgument(info);
        if (length > bytes.length - pos) throw new CborError('unexpected end of data');
        const out: CborValue[] = [];
        for (let i = 0; i < length; i++) out.push(readItem(depth + 1));
        return out;
      }
      case 5: {
        const length = readArgument(info);
        if (length * 2 > bytes.length - pos) throw new CborError('unexpected end of data');
        const out: CborMap = new Map();
        for (let i = 0; i < length; i++) {
          const key = readItem(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string')
            throw new CborError('map keys must be integers or text');
          if (out.has(key)) throw new CborError(`duplicate map key ${String(key)}`);
          out.set(key, readItem(depth + 1));
        }
        return out;
      }
      case 6:
        throw new CborError('tags are not supported');
      default: {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        if (info === 26) {
          need(4);
          const v = view.getFloat32(pos);
          pos += 4;
          return v;
        }
        if (info === 27) {
          need(8);
          const v = view.getFloat64(pos);
          pos += 8;
          return v;
        }
        throw new CborError(`unsupported simple value or float (${info})`);
      }
    }
  };

  if (offset < 0 || offset > bytes.length) throw new CborError('offset out of range');
  const value = readItem(0);
  return { value, end: pos };
}

/** Decodes exactly one item that fills all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const { value, end } = decodeCborItem(bytes, 0);
  if (end !== bytes.length) throw new CborError(`${bytes.length - end} bytes after the item`);
  return value;
}

function head(major: number, argument: number): number[] {
  if (!Number.isSafeInteger(argument) || argument < 0) throw new CborError('cannot encode this integer');
  const m = major << 5;
  if (argument < 24) return [m | argument];
  if (argument < 0x100) return [m | 24, argument];
  if (argument < 0x10000) return [m | 25, argument >> 8, argument & 0xff];
  if (argument < 0x100000000)
    return [m | 26, (argument >>> 24) & 0xff, (argument >>> 16) & 0xff, (argument >>> 8) & 0xff, argument & 0xff];
  const big = BigInt(argument);
  const out = [m | 27];
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((big >> shift) & 0xffn));
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Encodes integers, text, bytes, booleans, null, arrays and maps in CTAP2 canonical form. */
export function encodeCbor(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  const write = (v: CborValue, depth: number): void => {
    if (depth > MAX_DEPTH) throw new CborError('nested too deeply');
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new CborError('only safe integers are encoded');
      parts.push(Uint8Array.from(v >= 0 ? head(0, v) : head(1, -1 - v)));
    } else if (typeof v === 'string') {
      const utf8 = textEncoder.encode(v);
      parts.push(Uint8Array.from(head(3, utf8.length)), utf8);
    } else if (v instanceof Uint8Array) {
      parts.push(Uint8Array.from(head(2, v.length)), v);
    } else if (v === false || v === true || v === null || v === undefined) {
      parts.push(Uint8Array.of(v === false ? 0xf4 : v === true ? 0xf5 : v === null ? 0xf6 : 0xf7));
    } else if (Array.isArray(v)) {
      parts.push(Uint8Array.from(head(4, v.length)));
      for (const item of v) write(item, depth + 1);
    } else {
      const entries = [...v.entries()].map(([k, item]) => ({ key: encodeCbor(k), item }));
      entries.sort((a, b) => compareBytes(a.key, b.key));
      parts.push(Uint8Array.from(head(5, entries.length)));
      for (const { key, item } of entries) {
        parts.push(key);
        write(item, depth + 1);
      }
    }
  };
  write(value, 0);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
