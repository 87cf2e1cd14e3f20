import type { Pkp, PkpSignature } from '../../shared/api/contract.ts';
import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';
import { connectToHost } from './status-command.ts';
import { Address, Cid, Digest, PublicKey } from '../../shared/wire-values.ts';
import { optionValue } from './cli-values.ts';

const client = (values: Record<string, string | boolean | undefined>) =>
  connectToHost(values['data-dir'] as string | undefined);

function print(values: Record<string, unknown>, json: unknown, text: string): void {
  console.log(values.json ? JSON.stringify(json) : text);
}

/** `litbox pkp mint`: mintNext through the wallet account; prints tokenId, pubkey, ethAddress. */
export const pkpMintCommand: CommandHandler = async (values) => {
  const pkp = await client(values).call('pkpMint', {});
  print(
    values,
    { tokenId: pkp.tokenId, pubkey: pkp.publicKey, ethAddress: pkp.ethAddress, transactionHash: pkp.transactionHash },
    `minted PKP ${pkp.tokenId}\n  address    ${pkp.ethAddress}\n  public key ${pkp.publicKey}\n  tx         ${pkp.transactionHash}`,
  );
};

/** `litbox pkp list`: the wallet's PKPs. */
export const pkpListCommand: CommandHandler = async (values) => {
  const { pkps } = await client(values).call('pkpList', {});
  const rows = pkps.map((p: Pkp) => ({ tokenId: p.tokenId, pubkey: p.publicKey, ethAddress: p.ethAddress }));
  print(
    values,
    rows,
    rows.length === 0
      ? 'no PKPs yet (mint one with: litbox pkp mint)'
      : rows.map((p) => `${p.ethAddress}  ${p.tokenId}`).join('\n'),
  );
};

/** `litbox pkp sign --pubkey HEX --digest HEX32`: a threshold signature as the wallet account. */
export const pkpSignCommand: CommandHandler = async (values) => {
  const pubkey = values.pubkey;
  const digest = values.digest;
  if (typeof pubkey !== 'string') throw new CliError('pkp sign needs --pubkey HEX (the 65-byte public key)', 2);
  if (typeof digest !== 'string') throw new CliError('pkp sign needs --digest HEX32 (the 32-byte digest to sign)', 2);
  const publicKey = optionValue(PublicKey, '--pubkey', pubkey);
  const toSign = optionValue(Digest, '--digest', digest, { addHexPrefix: true });
  const sig: PkpSignature = await client(values).call('pkpSign', { publicKey, toSign });
  print(
    values,
    sig,
    `signature ${sig.signature}\n  r ${sig.r}\n  s ${sig.s}\n  recid ${sig.recid}\n  nodes ${sig.nodes.join(', ')}`,
  );
};

/**
 * `litbox pkp permit --pubkey HEX (--address ADDR | --ipfs CID) [--scope 1|2] [--remove]`:
 * let an address or an action sign with a PKP the wallet account owns (or stop it).
 */
export const pkpPermitCommand: CommandHandler = async (values) => {
  const pubkey = values.pubkey as string | undefined;
  const address = values.address as string | undefined;
  const ipfsId = values.ipfs as string | undefined;
  if (!pubkey || (address === undefined) === (ipfsId === undefined))
    throw new CliError('pkp permit needs --pubkey HEX and one of --address ADDR or --ipfs CID', 2);
  const scope = values.scope === undefined ? 1 : Number(values.scope);
  if (scope !== 1 && scope !== 2) throw new CliError('--scope is 1 (SignAnything) or 2 (PersonalSign)', 2);
  const remove = values.remove === true;
  const publicKey = optionValue(PublicKey, '--pubkey', pubkey);
  const change = address
    ? remove
      ? { kind: 'removeAddress' as const, address: optionValue(Address, '--address', address) }
      : { kind: 'addAddress' as const, address: optionValue(Address, '--address', address), scopes: [scope] }
    : remove
      ? { kind: 'removeAction' as const, ipfsId: optionValue(Cid, '--ipfs', ipfsId!) }
      : { kind: 'addAction' as const, ipfsId: optionValue(Cid, '--ipfs', ipfsId!), scopes: [scope] };
  const { transactionHash } = await client(values).call('pkpPermissionChange', { publicKey, change });
  print(values, { transactionHash }, `${remove ? 'removed' : 'permitted'} ${address ?? ipfsId} in ${transactionHash}`);
};

/** `litbox pkp send --pubkey HEX --to ADDR --value ETH`: ETH from the PKP; prints the mined hash. */
export const pkpSendCommand: CommandHandler = async (values) => {
  const { pubkey, to, value } = values as Record<string, string | undefined>;
  if (!pubkey || !to || !value) throw new CliError('pkp send needs --pubkey HEX --to ADDRESS --value ETH', 2);
  const sent = await client(values).call('pkpSend', {
    publicKey: optionValue(PublicKey, '--pubkey', pubkey),
    to: optionValue(Address, '--to', to),
    valueEth: value,
  });
  print(values, sent, sent.transactionHash);
};

/** `litbox pkp sign-message --pubkey HEX --message TEXT`: an EIP-191 signature. */
export const pkpSignMessageCommand: CommandHandler = async (values) => {
  const { pubkey, message } = values as Record<string, string | undefined>;
  if (!pubkey || message === undefined) throw new CliError('pkp sign-message needs --pubkey HEX --message TEXT', 2);
  const signed = await client(values).call('pkpSignMessage', {
    publicKey: optionValue(PublicKey, '--pubkey', pubkey),
    message,
  });
  print(values, signed, signed.signature);
};

/** `litbox faucet --address ADDR [--amount ETH]`: sandbox ETH for any address. */
export const faucetCommand: CommandHandler = async (values) => {
  const { address, amount } = values as Record<string, string | undefined>;
  if (!address) throw new CliError('faucet needs --address ADDRESS', 2);
  const { balanceWei } = await client(values).call('faucet', {
    address: optionValue(Address, '--address', address),
    ...(amount ? { amountEth: amount } : {}),
  });
  print(values, { balanceWei }, `${address} now holds ${balanceWei} wei`);
};
