import { describe, expect, it } from 'vitest';
import { fromWireJson, toWireJson } from './wire-json.ts';

describe('wire JSON', () => {
  it('keeps bigints, byte arrays and Buffers through a round trip', () => {
    const value = { n: 2n ** 255n + 7n, b: new Uint8Array([1, 2, 255]), buf: Buffer.from('hi'), list: [0n, 'x'] };
    const back = fromWireJson<typeof value>(toWireJson(value));
    expect(back.n).toBe(value.n);
    expect(Array.from(back.b)).toEqual([1, 2, 255]);
    expect(Buffer.from(back.buf).toString()).toBe('hi');
    expect(back.list).toEqual([0n, 'x']);
  });

  it('leaves objects that merely look similar alone', () => {
    expect(fromWireJson('{"$n":"zz"}')).toEqual({ $n: 'zz' });
    expect(fromWireJson('{"$b":"abc"}')).toEqual({ $b: 'abc' });
  });

  it('writes plain values exactly as JSON.stringify does', () => {
    const plain = { a: 1, b: 'x', c: [1, null, undefined, { d: true }], e: undefined, f: new Date(0), g: { h: [] } };
    expect(toWireJson(plain)).toBe(JSON.stringify(plain));
  });

  it('keeps a key named __proto__ a plain key both ways, without touching any prototype', () => {
    const text = '{"__proto__":{"$n":"ff"},"x":{"__proto__":{"polluted":1}}}';
    const back = fromWireJson<Record<string, unknown>>(text);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe(255n);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(toWireJson(back)).toBe(text);
  });

  it('encodes a view into a larger buffer as just its own bytes', () => {
    const whole = new Uint8Array([9, 1, 2, 3, 9]);
    expect(toWireJson({ b: whole.subarray(1, 4) })).toBe('{"b":{"$b":"010203"}}');
  });
});
