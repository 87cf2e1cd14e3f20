import { ethers } from 'ethers';
import type { Account, ApiOutput } from '../../../shared/api/contract.ts';
import { AddressText, HexText, isWireValue } from '../../../shared/wire-values.ts';

/**
 * Checks of what a person typed into the wallet's forms, run before anything is sent: each
 * returns the message to show next to the field, or undefined when the value is fine.
 */

export function checkAddress(text: string): string | undefined {
  if (text === '') return 'Enter the address to send to.';
  if (!isWireValue(AddressText, text)) return 'Not an Ethereum address: 0x followed by 40 hex digits.';
  if (!ethers.isAddress(text))
    return 'The capital letters of this address do not match its checksum: check for a typo.';
  return undefined;
}

/** An amount of ETH; above `balanceWei` is refused (the fee is checked by the host, with its real gas). */
export function checkAmount(
  text: string,
  options: { balanceWei?: bigint; allowZero?: boolean } = {},
): string | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return 'Enter an amount of ETH, like 0.25.';
  let wei: bigint;
  try {
    wei = ethers.parseEther(text);
  } catch {
    return 'ETH has at most 18 decimals.';
  }
  if (wei === 0n && !options.allowZero) return 'The amount must be more than 0.';
  if (options.balanceWei !== undefined && wei > options.balanceWei)
    return `The PKP holds ${ethers.formatEther(options.balanceWei)} ETH, less than ${text} ETH. Top it up with the faucet.`;
  return undefined;
}

export function checkChainId(text: string): string | undefined {
  if (!/^\d+$/.test(text.trim())) return 'The chain id must be a number, like 1 (Ethereum) or 10 (OP Mainnet).';
  const n = Number(text);
  if (n <= 0 || !Number.isSafeInteger(n)) return 'The chain id must be a whole number from 1 up.';
  return undefined;
}

export function checkWholeNumber(text: string, what: string, min = 0): string | undefined {
  if (!/^\d+$/.test(text.trim())) return `The ${what} must be a whole number.`;
  if (Number(text) < min || !Number.isSafeInteger(Number(text))) return `The ${what} must be at least ${min}.`;
  return undefined;
}

export function checkGwei(text: string): string | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return 'Enter an amount of gwei, like 30.';
  try {
    if (ethers.parseUnits(text, 'gwei') <= 0n) return 'The fee must be more than 0.';
  } catch {
    return 'gwei has at most 9 decimals.';
  }
  return undefined;
}

export function checkHexData(text: string): string | undefined {
  if (text === '' || text === '0x') return undefined;
  if (!isWireValue(HexText, text)) return 'Data must be hex bytes: 0x followed by pairs of hex digits.';
  return undefined;
}

/** Who signs a request: the wallet account, a signed-in account (by sub), or a passkey. */
export type SignerChoice = { kind: 'wallet' } | { kind: 'account'; sub: string } | { kind: 'passkey' };

type PkpDetails = ApiOutput<'pkpDetails'>;

const SIGN_ANYTHING = 1;
const GOOGLE_JWT = 6;
const WEBAUTHN = 3;

/**
 * Whether the chosen signer may sign with this PKP, as the nodes will decide it: the NFT's
 * owner always; otherwise a permitted address or auth method with SignAnything. Returns the
 * reason it may not, to show next to the "Sign as" field.
 */
export function signerRefusal(
  details: PkpDetails,
  choice: SignerChoice,
  walletAddress: string,
  accounts: readonly Account[],
): string | undefined {
  const anything = (scopes: number[]) => scopes.includes(SIGN_ANYTHING);
  if (choice.kind === 'wallet') {
    const entry = details.addresses.find((a) => a.address.toLowerCase() === walletAddress.toLowerCase());
    if (entry?.isOwner || (entry && anything(entry.scopes))) return undefined;
    return noPermittedSigner(details, 'the wallet account is neither its owner nor a permitted address');
  }
  if (choice.kind === 'account') {
    const account = accounts.find((a) => a.sub === choice.sub);
    const id = account?.authMethodId.toLowerCase();
    if (
      details.authMethods.some(
        (m) => m.authMethodType === GOOGLE_JWT && m.id.toLowerCase() === id && anything(m.scopes),
      )
    )
      return undefined;
    return noPermittedSigner(details, `${account?.email ?? 'this account'} is not one of its auth methods`);
  }
  if (details.authMethods.some((m) => m.authMethodType === WEBAUTHN && anything(m.scopes))) return undefined;
  return noPermittedSigner(details, 'it has no passkey');
}

function noPermittedSigner(details: PkpDetails, why: string): string {
  const burned = details.owner === 'burned' ? ' It is burned: only its permitted Lit Actions can sign with it.' : '';
  return `This PKP does not permit that signer: ${why}.${burned}`;
}

/** The first signer this PKP permits (the wallet account, a signed-in account, a passkey), else the wallet. */
export function defaultSigner(details: PkpDetails, walletAddress: string, accounts: readonly Account[]): SignerChoice {
  const choices: SignerChoice[] = [
    { kind: 'wallet' },
    ...accounts.map((a) => ({ kind: 'account' as const, sub: a.sub })),
    { kind: 'passkey' },
  ];
  return choices.find((c) => !signerRefusal(details, c, walletAddress, accounts)) ?? { kind: 'wallet' };
}
