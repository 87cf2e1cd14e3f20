import { describe, expect, it } from 'vitest';
import { ethers, TypedDataEncoder } from 'ethers';
import { EXAMPLE_TYPED_DATA, flattenForRows, parseTypedData } from './typed-data.ts';

describe('typed data a person pastes', () => {
  it('reads the example as EIP-712 with the digest ethers computes', () => {
    const parsed = parseTypedData(
      JSON.stringify({ ...EXAMPLE_TYPED_DATA, types: { ...EXAMPLE_TYPED_DATA.types, EIP712Domain: [] } }),
    );
    expect(parsed).toMatchObject({ ok: true, primaryType: 'Mail' });
    if (!parsed.ok) return;
    expect(parsed.digest).toBe(
      TypedDataEncoder.hash(EXAMPLE_TYPED_DATA.domain, EXAMPLE_TYPED_DATA.types, EXAMPLE_TYPED_DATA.message),
    );
    // Signed by any key, it verifies against the data as parsed.
    const key = ethers.Wallet.createRandom();
    const signature = key.signingKey.sign(parsed.digest).serialized;
    expect(ethers.verifyTypedData(parsed.data.domain, parsed.data.types, parsed.data.message, signature)).toBe(
      key.address,
    );
  });

  it('says what is wrong: not JSON, missing parts, a message that does not fit its types', () => {
    expect(parseTypedData('{nope')).toMatchObject({ ok: false, error: expect.stringMatching(/^This is not JSON/) });
    expect(parseTypedData('{"domain": {}}')).toMatchObject({ ok: false, error: expect.stringMatching(/"message"/) });
    const wrong = {
      ...EXAMPLE_TYPED_DATA,
      message: { ...EXAMPLE_TYPED_DATA.message, to: { name: 'Bob', wallet: 'nope' } },
    };
    expect(parseTypedData(JSON.stringify(wrong))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not valid EIP-712/),
    });
    expect(parseTypedData(JSON.stringify({ ...EXAMPLE_TYPED_DATA, primaryType: 'Person' }))).toMatchObject({
      ok: false,
      error: 'primaryType is "Person", but the types say "Mail".',
    });
  });

  it('flattens nested values into rows', () => {
    expect(flattenForRows({ a: { b: 1, c: ['x', 'y'] } }, 'message')).toEqual([
      { label: 'message.a.b', value: '1' },
      { label: 'message.a.c[0]', value: 'x' },
      { label: 'message.a.c[1]', value: 'y' },
    ]);
  });
});
