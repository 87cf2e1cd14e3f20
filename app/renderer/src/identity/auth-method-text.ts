import { AUTH_METHOD_TYPE } from '../../../shared/contracts/ids.ts';
import type { Account } from '../../../shared/api/contract.ts';
import { AddressText, isWireValue } from '../../../shared/wire-values.ts';

const PASSKEYS_HERE_KEY = 'litbox.passkeysHere';

/** Remembers that this browser made the passkey with this auth method id (ids only, nothing secret). */
export function rememberPasskeyHere(authMethodId: string): void {
  const known = passkeysHere();
  if (!known.includes(authMethodId.toLowerCase()))
    localStorage.setItem(PASSKEYS_HERE_KEY, JSON.stringify([...known, authMethodId.toLowerCase()]));
}

function passkeysHere(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(PASSKEYS_HERE_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * An auth method as what it is, not its hash: the signed-in account's email for a Google-style
 * id, "passkey on this device" for a passkey this browser made, an address for an address.
 */
export function authMethodText(
  method: { authMethodType: number; typeName: string; id: string },
  accounts: Account[],
): { what: string; detail: string } {
  if (method.authMethodType === AUTH_METHOD_TYPE.GoogleJwt) {
    const account = accounts.find((a) => a.authMethodId.toLowerCase() === method.id.toLowerCase());
    return account
      ? { what: account.email ?? account.sub, detail: 'Google-style account (signed in)' }
      : { what: 'a Google-style account', detail: 'not signed in here: sign in with it to see which one' };
  }
  if (method.authMethodType === AUTH_METHOD_TYPE.WebAuthn)
    return passkeysHere().includes(method.id.toLowerCase())
      ? { what: 'passkey on this device', detail: 'made in this browser' }
      : { what: 'a passkey', detail: 'made on another device or browser' };
  if (method.authMethodType === AUTH_METHOD_TYPE.EthWallet && isWireValue(AddressText, method.id))
    return { what: method.id, detail: 'a wallet address' };
  return { what: method.typeName, detail: method.id };
}
