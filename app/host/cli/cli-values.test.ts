import { describe, expect, it } from 'vitest';
import { Cid, Digest, PublicKey } from '../../shared/wire-values.ts';
import { CliError } from './cli-error.ts';
import { fieldErrorLines, optionValue } from './cli-values.ts';

describe('CLI options parsed as wire values', () => {
  const key = `04${'ab'.repeat(64)}`;

  it('gives the value in its one form, and takes a digest with or without 0x', () => {
    expect(optionValue(PublicKey, '--pubkey', key)).toBe(`0x${key}`);
    expect(optionValue(Digest, '--digest', 'AB'.repeat(32), { addHexPrefix: true })).toBe(`0x${'ab'.repeat(32)}`);
    expect(optionValue(Digest, '--digest', `0x${'ab'.repeat(32)}`, { addHexPrefix: true })).toBe(
      `0x${'ab'.repeat(32)}`,
    );
  });

  it('refuses a bad value naming the option, with exit code 1 (as when the host refused it)', () => {
    const refusal = (() => {
      try {
        optionValue(Cid, '--ipfs', 'QmNotACid');
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(CliError);
    expect((refusal as CliError).message).toBe('--ipfs must be a CIDv0 (Qm… in base58)');
    expect((refusal as CliError).exitCode).toBe(1);
    expect(() => optionValue(PublicKey, '--pubkey', '0x04')).toThrow(/^--pubkey must be a 65-byte/);
  });
});

describe('the host’s field errors as CLI lines', () => {
  it('names each field by the option that gave it, and keeps the path of a field no option gives', () => {
    expect(
      fieldErrorLines([
        { field: 'to', message: 'must be an Ethereum address' },
        { field: 'valueEth', message: 'the PKP holds 0.0 ETH' },
        { field: 'change.address', message: 'must be an Ethereum address' },
        { field: 'input', message: 'has unknown field: x' },
      ]),
    ).toEqual([
      '--to: must be an Ethereum address',
      '--value: the PKP holds 0.0 ETH',
      'change.address: must be an Ethereum address',
      'input: has unknown field: x',
    ]);
  });
});
