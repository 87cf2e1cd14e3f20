import { describe, expect, it } from 'vitest';
import { splitFieldErrors, splitNamedFields } from './field-errors.ts';

describe('splitting the host’s field errors', () => {
  it('puts each schema issue next to its field and keeps the rest', () => {
    expect(
      splitFieldErrors('bad input for pkpSend: to: must be an Ethereum address; as: bad signer', ['to', 'valueEth']),
    ).toEqual({ fields: { to: 'Must be an Ethereum address.' }, other: 'as: bad signer' });
  });

  it('reads the wallet’s own checks, which name one field', () => {
    expect(splitFieldErrors('value: the PKP holds 1.0 ETH; it cannot send 2 ETH', ['value'])).toEqual({
      fields: { value: 'The PKP holds 1.0 ETH; it cannot send 2 ETH.' },
      other: undefined,
    });
  });

  it('leaves a message about no field alone', () => {
    expect(splitFieldErrors('the network needs 3 of 4 nodes up', ['to'])).toEqual({
      fields: {},
      other: 'the network needs 3 of 4 nodes up',
    });
  });
});

describe('the host’s structured field errors', () => {
  it('puts each named field next to its control, and keeps the others as one message', () => {
    expect(
      splitNamedFields({ to: 'must be an Ethereum address', as: 'is missing' }, 'bad input for pkpSend: …', ['to']),
    ).toEqual({ fields: { to: 'Must be an Ethereum address.' }, other: 'as: is missing' });
    expect(splitNamedFields({}, 'the network needs 3 of 4 nodes up', ['to'])).toEqual({
      fields: {},
      other: 'the network needs 3 of 4 nodes up',
    });
  });
});
