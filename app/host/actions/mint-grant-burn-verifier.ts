import { ethers, type Provider } from 'ethers';
import { cidToMultihashBytes, cidV0 } from '../../shared/cid/index.ts';
import {
  AUTH_METHOD_TYPE,
  findEvents,
  type ContractAddresses,
  type LitboxContracts,
} from '../../shared/contracts/index.ts';

export interface MintGrantBurnCheck {
  name: 'signature' | 'code' | 'mintGrantBurn';
  ok: boolean;
  detail: string;
}

export interface MintGrantBurnVerdict {
  valid: boolean;
  ipfsId: string;
  checks: MintGrantBurnCheck[];
}

/**
 * Proves what a Mint/Grant/Burn PKP's signature means, from public data only: (1) the
 * signature is the PKP's, (2) the code hashes to an action the PKP permits, (3) the PKP was
 * minted, granted that action and burned in ONE transaction, so no other code could ever
 * have signed with it.
 */
export async function verifyMintGrantBurn(
  input: { publicKey: string; code: string; signature: string; digest: string },
  contracts: LitboxContracts,
  addresses: ContractAddresses,
  provider: Provider,
): Promise<MintGrantBurnVerdict> {
  const checks: MintGrantBurnCheck[] = [];
  const ipfsId = cidV0(input.code);
  const tokenId = BigInt(ethers.keccak256(input.publicKey));
  const pkpAddress = ethers.computeAddress(input.publicKey);

  let recovered: string | undefined;
  try {
    recovered = ethers.recoverAddress(input.digest, input.signature);
  } catch {
    recovered = undefined;
  }
  checks.push({
    name: 'signature',
    ok: recovered === pkpAddress,
    detail:
      recovered === pkpAddress
        ? `the signature recovers to the PKP's address ${pkpAddress}`
        : `the signature does not recover to the PKP's address ${pkpAddress}${recovered ? ` (it recovers to ${recovered})` : ''}`,
  });

  const actionId = ethers.hexlify(cidToMultihashBytes(ipfsId));
  const permitted = await contracts.PKPPermissions.isPermittedAction(tokenId, actionId).catch(() => false);
  checks.push({
    name: 'code',
    ok: permitted,
    detail: permitted
      ? `the code hashes to ${ipfsId}, an action this PKP permits`
      : `the code hashes to ${ipfsId}, which this PKP does not permit`,
  });

  // PKPMinted(uint256 indexed tokenId, bytes pubkey): find the minting transaction by topic.
  const pkpMinted = contracts.PKPNFT.interface.getEvent('PKPMinted')!;
  const minted = await provider.getLogs({
    address: addresses.PKPNFT,
    topics: [pkpMinted.topicHash, ethers.toBeHex(tokenId, 32)],
    fromBlock: 0,
  });
  const mintTx = minted[0]?.transactionHash;
  let oneTransaction = false;
  let detail = 'no PKPMinted event for this PKP on the chain';
  if (mintTx) {
    const receipt = await provider.getTransactionReceipt(mintTx);
    const logs = receipt?.logs ?? [];
    const granted = findEvents(logs, addresses, 'PKPPermissions', 'PermittedAuthMethodAdded').some(
      (e) =>
        e.tokenId === tokenId &&
        Number(e.authMethodType) === AUTH_METHOD_TYPE.LitAction &&
        e.id.toLowerCase() === actionId.toLowerCase(),
    );
    const burned = findEvents(logs, addresses, 'PKPNFT', 'Transfer').some(
      (e) => e.tokenId === tokenId && e.to === ethers.ZeroAddress,
    );
    const owner = await contracts.PKPNFT.ownerOf(tokenId).then(
      (o) => o,
      () => ethers.ZeroAddress,
    );
    const grants = await contracts.PKPPermissions.getPermittedActions(tokenId);
    oneTransaction = granted && burned && owner === ethers.ZeroAddress && grants.length === 1;
    detail = oneTransaction
      ? `minted, granted ${ipfsId} and burned in transaction ${mintTx}; no other action is permitted`
      : `transaction ${mintTx} minted the PKP but ${[!granted && `did not grant ${ipfsId}`, !burned && 'did not burn it', grants.length !== 1 && `${grants.length} actions are permitted`, owner !== ethers.ZeroAddress && `it is owned by ${owner}`].filter(Boolean).join(', ')}`;
  }
  checks.push({ name: 'mintGrantBurn', ok: oneTransaction, detail });
  return { valid: checks.every((c) => c.ok), ipfsId, checks };
}
