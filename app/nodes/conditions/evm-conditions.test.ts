import { describe, expect, it } from 'vitest';
import { parseConditions } from '../../shared/conditions/access-control-conditions.ts';
import { compare } from './evm-conditions.ts';

const balance = (value: string) => ({
  contractAddress: '',
  standardContractType: '',
  chain: 'litbox',
  method: 'eth_getBalance',
  parameters: [':userAddress', 'latest'],
  returnValueTest: { comparator: '>=', value },
});

describe('access control conditions', () => {
  it('compares numbers as integers and addresses case-blind', () => {
    expect(compare(10n ** 18n, '>=', '1000000000000000000')).toBe(true);
    expect(compare(5n, '<', '4')).toBe(false);
    expect(
      compare('0xAbCdEf0000000000000000000000000000000001', '=', '0xabcdef0000000000000000000000000000000001'),
    ).toBe(true);
    expect(compare(['0x1', 'b'], 'contains', 'b')).toBe(true);
    expect(() => compare('text', '>', 'other')).toThrow(/needs numbers/);
  });

  it('accepts Lit-shaped conditions joined by operators, nested groups included', () => {
    const list = parseConditions([balance('1'), { operator: 'or' }, [balance('2'), { operator: 'and' }, balance('3')]]);
    expect(list).toHaveLength(3);
  });

  it('refuses malformed lists with a reason', () => {
    expect(() => parseConditions([])).toThrow(/malformed/);
    expect(() => parseConditions([balance('1'), balance('2')])).toThrow(/alternate/);
    expect(() => parseConditions([balance('1'), { operator: 'and' }])).toThrow(/ends with an operator/);
    expect(() => parseConditions([{ ...balance('1'), chain: 'ethereum' }])).toThrow(/sandbox chain is "litbox"/);
    expect(() => parseConditions([{ ...balance('1'), returnValueTest: { comparator: '~', value: '1' } }])).toThrow(
      /malformed access control conditions/,
    );
  });
});
