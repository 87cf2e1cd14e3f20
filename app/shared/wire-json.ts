/**
 * JSON that carries bigints and byte arrays, for protocol messages whose values are field
 * elements and points: a bigint travels as {"$n":"<hex>"}, bytes as {"$b":"<hex>"}.
 */

export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // Look at the value before toJSON ran: a Buffer would otherwise arrive as {type, data}.
    const raw = key === '' ? value : this[key];
    if (typeof raw === 'bigint') return { $n: raw.toString(16) };
    if (raw instanceof Uint8Array) return { $b: Buffer.from(raw).toString('hex') };
    return v;
  });
}

export function fromWireJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && typeof o.$n === 'string' && /^[0-9a-f]{1,130}$/.test(o.$n)) return BigInt(`0x${o.$n}`);
      if (keys.length === 1 && typeof o.$b === 'string') {
        // Buffer.from stops at the first non-hex digit; equal lengths prove it was all hex.
        const bytes = Buffer.from(o.$b, 'hex');
        if (bytes.length * 2 === o.$b.length) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      }
    }
    return v;
  }) as T;
}
