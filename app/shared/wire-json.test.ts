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
});
