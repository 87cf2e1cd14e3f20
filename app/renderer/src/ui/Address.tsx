import { CopyButton } from './Copy.tsx';
import { Identicon } from './Identicon.tsx';
import { shortAddress } from './identicon.ts';
import { useAddressName } from './address-book.ts';

/**
 * An address as wallets show one: its picture, its name when the wallet knows it (a contract,
 * the wallet account, a named PKP), the short form, the full value on hover, and a copy button.
 */
export function Address({ address, noName = false }: { address: string; noName?: boolean }) {
  const name = useAddressName(address);
  return (
    <span className="address" title={address} data-address={address}>
      <Identicon address={address} />
      {name && !noName ? <span className="address-name">{name}</span> : null}
      <span className="mono address-short">{shortAddress(address)}</span>
      <CopyButton value={address} label="Copy address" />
    </span>
  );
}

/** A long hex value (hash, key, token id) shortened, with the full value on hover and copy. */
export function ShortHex({ value, head = 10, tail = 6 }: { value: string; head?: number; tail?: number }) {
  return (
    <span className="address" title={value}>
      <span className="mono address-short">{shortAddress(value, head, tail)}</span>
      <CopyButton value={value} />
    </span>
  );
}
