import { describe, expect, it } from 'vitest';
import { placeFieldErrors } from './field-errors.ts';

describe('the host’s field errors on a form', () => {
  it('puts each named field next to its control, under the form’s name, and keeps the others as one message', () => {
    expect(
      placeFieldErrors(
        [
          { field: 'to', message: 'must be an Ethereum address' },
          { field: 'as', message: 'is missing' },
        ],
        'bad input for pkpSend: …',
        { to: 'to', valueEth: 'value' },
      ),
    ).toEqual({ fields: { to: 'Must be an Ethereum address.' }, other: 'as: is missing' });
    expect(
      placeFieldErrors([{ field: 'valueEth', message: 'the PKP holds 1.0 ETH; it cannot send 2 ETH' }], '…', {
        valueEth: 'value',
      }),
    ).toEqual({ fields: { value: 'The PKP holds 1.0 ETH; it cannot send 2 ETH.' }, other: undefined });
  });

  it('leaves a failure about no field with its own message', () => {
    expect(placeFieldErrors([], 'the network needs 3 of 4 nodes up', { to: 'to' })).toEqual({
      fields: {},
      other: 'the network needs 3 of 4 nodes up',
    });
  });

  it('does not take a field name from the object prototype for a control', () => {
    expect(placeFieldErrors([{ field: 'constructor', message: 'x' }], 'm', {})).toEqual({
      fields: {},
      other: 'constructor: x',
    });
  });
});
