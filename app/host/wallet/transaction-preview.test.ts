import { describe, expect, it } from 'vitest';
import { ethers, Transaction } from 'ethers';
import { contractInterface, type ContractAddresses } from '../../shared/contracts/index.ts';
import { decodeCall, describeTransaction, toPrepared, unsignedTransaction } from './transaction-preview.ts';

const addresses: ContractAddresses = {
  PKPNFT: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  PKPPermissions: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  PKPHelper: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  PubkeyRouter: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  Staking: '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9',
};
const from = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const friend = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

const base = {
  chainId: 31337,
  nonce: 4,
  value: 0n,
  gasLimit: 60_000n,
  maxFeePerGas: ethers.parseUnits('3', 'gwei'),
  maxPriorityFeePerGas: ethers.parseUnits('1', 'gwei'),
};

describe('transaction previews', () => {
  it('decodes a PKPPermissions call with its ABI, argument by argument', () => {
    const data = contractInterface('PKPPermissions').encodeFunctionData('addPermittedAddress', [5n, friend, [1n, 2n]]);
    const decoded = decodeCall(addresses.PKPPermissions.toLowerCase(), data, 0n, addresses);
    expect(decoded).toEqual({
      contract: 'PKPPermissions',
      functionName: 'addPermittedAddress',
      signature: 'addPermittedAddress(uint256,address,uint256[])',
      args: [
        { name: 'tokenId', type: 'uint256', value: '5' },
        { name: 'user', type: 'address', value: friend },
        { name: 'scopes', type: 'uint256[]', value: '[1, 2]' },
      ],
    });
    const rows = describeTransaction({
      from,
      fields: { ...base, to: addresses.PKPPermissions, data },
      broadcast: true,
      sandboxChainId: 31337,
      addresses,
      decoded,
    });
    expect(rows).toEqual([
      { label: 'Network', value: 'Litbox sandbox (chain id 31337)' },
      { label: 'From', value: from },
      { label: 'To', value: `${addresses.PKPPermissions} (PKPPermissions)` },
      { label: 'Value', value: '0.0 ETH' },
      { label: 'Nonce', value: '4' },
      { label: 'Gas limit', value: '60000' },
      { label: 'Max fee per gas', value: '3.0 gwei' },
      { label: 'Max priority fee per gas', value: '1.0 gwei' },
      { label: 'Max fee', value: '0.00018 ETH' },
      { label: 'Total at most', value: '0.00018 ETH' },
      { label: 'Data', value: 'PKPPermissions.addPermittedAddress(tokenId, user, scopes)' },
      { label: '  tokenId (uint256)', value: '5' },
      { label: '  user (address)', value: friend },
      { label: '  scopes (uint256[])', value: '[1, 2]' },
    ]);
  });

  it('falls back to raw hex for unknown targets and for calls a known contract does not have', () => {
    expect(decodeCall(friend, '0xa9059cbb', 0n, addresses)).toBeUndefined();
    expect(decodeCall(addresses.PKPNFT, '0xdeadbeef', 0n, addresses)).toBeUndefined();
    expect(decodeCall(addresses.PKPNFT, '0x', 0n, addresses)).toBeUndefined();
    const rows = describeTransaction({
      from,
      fields: { ...base, to: addresses.PKPNFT, data: '0xdeadbeef' },
      broadcast: false,
      sandboxChainId: 31337,
      addresses,
      decoded: undefined,
    });
    expect(rows[0]).toEqual({ label: 'Network', value: 'Litbox sandbox (chain id 31337): signed only, not broadcast' });
    expect(rows.at(-1)).toEqual({ label: 'Data (not a known PKPNFT call, raw hex)', value: '0xdeadbeef' });
  });

  it('builds the EIP-1559 transaction whose fields round-trip through the wire form', () => {
    const fields = { ...base, chainId: 1, to: friend, value: ethers.parseEther('1.5'), data: '0x' };
    const tx = unsignedTransaction(fields);
    expect(tx.type).toBe(2);
    const parsed = Transaction.from(tx.unsignedSerialized);
    expect(toPrepared(fields)).toEqual({
      chainId: Number(parsed.chainId),
      nonce: parsed.nonce,
      to: parsed.to,
      valueWei: parsed.value.toString(),
      data: parsed.data,
      gasLimit: parsed.gasLimit.toString(),
      maxFeePerGas: parsed.maxFeePerGas!.toString(),
      maxPriorityFeePerGas: parsed.maxPriorityFeePerGas!.toString(),
    });
  });
});
