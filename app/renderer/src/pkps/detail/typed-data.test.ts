import { describe, expect, it } from 'vitest';
import { ethers, TypedDataEncoder } from 'ethers';
import { EXAMPLE_TYPED_DATA, chainWarning, flattenForRows, parseTypedData, plainEthersError } from './typed-data.ts';

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

describe('warnings on typed data', () => {
  it('warns when the domain names another chain than the sandbox', () => {
    expect(chainWarning({ chainId: 31337 }, 31337)).toBeUndefined();
    expect(chainWarning({}, 31337)).toBeUndefined();
    expect(chainWarning({ chainId: 1 }, 31337)).toMatch(/chain id 1 \(Ethereum mainnet\), not the sandbox’s 31337/);
    expect(chainWarning({ chainId: '0x1' }, 31337)).toMatch(/chain id 1 /);
  });

  it('says when the primary type was inferred, and drops ethers’ code details', () => {
    const { primaryType: _p, ...rest } = EXAMPLE_TYPED_DATA;
    const parsed = parseTypedData(JSON.stringify(rest));
    expect(parsed.ok && parsed.primaryTypeInferred).toBe(true);
    expect(
      plainEthersError('invalid type (argument="type", value="uint7", code=INVALID_ARGUMENT, version=6.17.0)'),
    ).toBe('invalid type');
  });
});
