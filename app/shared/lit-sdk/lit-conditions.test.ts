import { describe, expect, it } from 'vitest';
import { canonicalConditions } from '../conditions/access-control-conditions.ts';
import { contractSaysYes, hasBalance, holdsToken, isWallet } from './lit-conditions.fixtures.ts';
import { LitConditionsError, litCanonical, litEncryptionIdentity, readLitConditions } from './lit-conditions.ts';

describe('reading the conditions of a Lit decryption request', () => {
  it('reads each kind into conditions the nodes evaluate', () => {
    const plain = readLitConditions({ accessControlConditions: [isWallet, { operator: 'or' }, [hasBalance]] });
    expect(plain.kind).toBe('accessControlConditions');
    expect(plain.list).toHaveLength(3);
    expect(readLitConditions({ evmContractConditions: [contractSaysYes] }).list[0]).toMatchObject({
      functionName: 'balanceOf',
    });
    const unified = readLitConditions({
      unifiedAccessControlConditions: [isWallet, { operator: 'and' }, contractSaysYes],
    });
    expect(unified.list[2]).toHaveProperty('functionAbi');
  });

  it('puts EVM basic conditions in the canonical form Litbox itself hashes', () => {
    const list = readLitConditions({
      accessControlConditions: [holdsToken, { operator: 'and' }, [isWallet, { operator: 'or' }, hasBalance]],
    }).list;
    expect(litCanonical(list)).toEqual(canonicalConditions(list));
  });

  it('refuses what it cannot read, naming where', () => {
    const refusals: [unknown, RegExp, boolean][] = [
      [{}, /no access control conditions/, false],
      [{ accessControlConditions: [hasBalance], evmContractConditions: [contractSaysYes] }, /more than one/, false],
      [{ solRpcConditions: [{}] }, /Solana/, true],
      [{ accessControlConditions: [hasBalance, { operator: 'or' }] }, /ends with an operator/, false],
      [{ accessControlConditions: [hasBalance, hasBalance, hasBalance] }, /must alternate/, false],
      [{ accessControlConditions: [{ ...hasBalance, chain: 'polygon' }] }, /"polygon" is not read/, true],
      [
        { accessControlConditions: [{ ...hasBalance, method: 'eth_getCode' }] },
        /accessControlConditions\.0\.method/,
        true,
      ],
      [{ accessControlConditions: [contractSaysYes] }, /accessControlConditions\.0/, false],
      [{ unifiedAccessControlConditions: [{ ...hasBalance, conditionType: 'cosmos' }] }, /cosmos/, true],
      [{ accessControlConditions: [{ ...isWallet, standardContractType: 'POAP' }] }, /"POAP" conditions cannot/, true],
      [
        { unifiedAccessControlConditions: [{ conditionType: 'solRpc', method: 'x', params: [], chain: 'solana' }] },
        /solRpc/,
        true,
      ],
      [{ evmContractConditions: [{ ...contractSaysYes, functionName: 'other' }] }, /functionName/, true],
    ];
    for (const [fields, message, unsupported] of refusals) {
      let error: unknown;
      try {
        readLitConditions(fields as never);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(fields)).toBeInstanceOf(LitConditionsError);
      expect((error as LitConditionsError).message).toMatch(message);
      expect((error as LitConditionsError).unsupported, JSON.stringify(fields)).toBe(unsupported);
    }
  });

  it('names the identity the network signs', () => {
    expect(litEncryptionIdentity('aa'.repeat(32), 'bb'.repeat(32))).toBe(
      `lit-accesscontrolcondition://${'aa'.repeat(32)}/${'bb'.repeat(32)}`,
    );
  });
});
