import { describe, expect, it } from 'vitest';
import { parseConditions } from './access-control-conditions.ts';
import { uncheckableConditionFields } from './checkable-conditions.ts';

const USER = '0x1111111111111111111111111111111111111111';
const NFT = '0x2222222222222222222222222222222222222222';

const basic = (patch: Record<string, unknown>) => ({
  contractAddress: '',
  standardContractType: '',
  chain: 'litbox',
  method: 'eth_getBalance',
  parameters: [':userAddress'],
  returnValueTest: { comparator: '>=', value: '1000000000000000000' },
  ...patch,
});

const check = (list: unknown[]) => uncheckableConditionFields(parseConditions(list));

describe('uncheckableConditionFields', () => {
  it('passes every kind of condition the nodes evaluate', () => {
    expect(
      check([
        basic({}),
        { operator: 'and' },
        basic({ method: '', parameters: [':userAddress'], returnValueTest: { comparator: '=', value: USER } }),
        { operator: 'or' },
        [
          basic({ standardContractType: 'timestamp', method: 'eth_getBlockByNumber', parameters: ['latest'] }),
          { operator: 'and' },
          basic({
            standardContractType: 'ERC721',
            contractAddress: NFT,
            method: 'ownerOf',
            parameters: ['7'],
            returnValueTest: { comparator: '=', value: ':userAddress' },
          }),
        ],
        { operator: 'or' },
        basic({
          standardContractType: 'ERC1155',
          contractAddress: NFT,
          method: 'balanceOf',
          parameters: [':userAddress', '1'],
          returnValueTest: { comparator: '>', value: '0' },
        }),
        { operator: 'or' },
        {
          contractAddress: NFT,
          functionName: 'balanceOf',
          functionParams: [':userAddress'],
          functionAbi: {
            name: 'balanceOf',
            stateMutability: 'view',
            inputs: [{ name: 'owner', type: 'address' }],
            outputs: [{ name: 'balance', type: 'uint256' }],
          },
          chain: 'litbox',
          returnValueTest: { key: 'balance', comparator: '>', value: '0' },
        },
      ]),
    ).toEqual({});
  });

  it('names the method the nodes cannot evaluate, nested paths included', () => {
    const fields = check([basic({}), { operator: 'or' }, [basic({ method: 'eth_call' })]]);
    expect(Object.keys(fields)).toEqual(['conditions.2.0.method']);
    expect(fields['conditions.2.0.method']).toMatch(/cannot check method "eth_call"/);
    expect(
      Object.keys(check([basic({ standardContractType: 'ERC20', contractAddress: NFT, method: 'ownerOf' })])),
    ).toEqual(['conditions.0.method']);
  });

  it('names a missing contract, missing parameters, and a value the comparison cannot use', () => {
    expect(Object.keys(check([basic({ standardContractType: 'ERC20', method: 'balanceOf' })]))).toEqual([
      'conditions.0.contractAddress',
    ]);
    expect(
      Object.keys(check([basic({ standardContractType: 'ERC1155', contractAddress: NFT, method: 'balanceOf' })])),
    ).toEqual(['conditions.0.parameters']);
    expect(check([basic({ returnValueTest: { comparator: '>=', value: '1 ETH' } })])).toHaveProperty([
      'conditions.0.returnValueTest.value',
    ]);
    expect(check([basic({ returnValueTest: { comparator: 'contains', value: '1' } })])).toHaveProperty([
      'conditions.0.returnValueTest.comparator',
    ]);
    expect(check([basic({ method: '', returnValueTest: { comparator: '>', value: USER } })])).toHaveProperty([
      'conditions.0.returnValueTest.comparator',
    ]);
  });

  it('names a contract condition whose call the nodes could not make', () => {
    const fields = check([
      {
        contractAddress: NFT,
        functionName: 'totalSupply',
        functionParams: [],
        functionAbi: {
          name: 'balanceOf',
          stateMutability: 'view',
          inputs: [{ name: 'o', type: 'address' }],
          outputs: [{ name: 'b', type: 'uint256' }],
        },
        chain: 'litbox',
        returnValueTest: { key: 'missing', comparator: '>', value: '0' },
      },
    ]);
    expect(Object.keys(fields).sort()).toEqual([
      'conditions.0.functionName',
      'conditions.0.functionParams',
      'conditions.0.returnValueTest.key',
    ]);
  });
});
