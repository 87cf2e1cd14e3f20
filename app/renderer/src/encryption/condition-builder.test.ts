import { describe, expect, it } from 'vitest';
import { parseConditions } from '../../../shared/conditions/access-control-conditions.ts';
import { buildConditions, emptyRow } from './condition-builder.ts';

const NFT = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('the encryption form’s condition builder', () => {
  it('builds Lit conditions the nodes accept, joined by the chosen operators', () => {
    const { conditions, errors } = buildConditions(
      [
        { ...emptyRow('balance'), value: '1.5' },
        { ...emptyRow('erc721-owner'), contract: NFT, tokenId: '42' },
        {
          ...emptyRow('contract-call'),
          contract: NFT,
          signature: 'balanceOf(address owner) view returns (uint256)',
          args: ':userAddress',
          comparator: '>',
          value: '0',
        },
      ],
      ['or', 'and'],
    );
    expect(errors.every((e) => Object.keys(e).length === 0)).toBe(true);
    const parsed = parseConditions(conditions);
    expect(parsed).toHaveLength(5);
    expect(parsed[0]).toMatchObject({ method: 'eth_getBalance', returnValueTest: { value: '1500000000000000000' } });
    expect(parsed[1]).toEqual({ operator: 'or' });
    expect(parsed[2]).toMatchObject({ standardContractType: 'ERC721', method: 'ownerOf', parameters: ['42'] });
    expect(parsed[4]).toMatchObject({
      functionName: 'balanceOf',
      functionAbi: { inputs: [{ name: 'owner', type: 'address' }], outputs: [{ type: 'uint256' }] },
      returnValueTest: { comparator: '>', value: '0' },
    });
  });

  it('says what is wrong next to each field and builds nothing', () => {
    const { conditions, errors } = buildConditions(
      [
        { ...emptyRow('balance'), value: 'lots' },
        { ...emptyRow('address'), value: '0x1234' },
        { ...emptyRow('erc721-owner'), contract: NFT.toLowerCase().replace('a', 'A'), tokenId: 'x' },
        {
          ...emptyRow('contract-call'),
          contract: NFT,
          signature: 'transfer(address,uint256) returns (bool)',
          value: '1',
        },
        { ...emptyRow('contract-call'), contract: NFT, signature: 'ownerOf(uint256) view returns (address)', args: '' },
      ],
      ['and', 'and', 'and', 'and'],
    );
    expect(conditions).toBeUndefined();
    expect(errors[0]).toEqual({ value: 'Enter an amount of ETH, like 1 or 0.5.' });
    expect(errors[1]?.value).toMatch(/Not an Ethereum address/);
    expect(errors[2]?.contract).toMatch(/checksum/);
    expect(errors[2]?.tokenId).toMatch(/whole number/);
    expect(errors[3]?.signature).toMatch(/view or pure/);
    expect(errors[4]).toMatchObject({ args: expect.stringMatching(/takes 1 argument/), value: expect.any(String) });
  });
});
