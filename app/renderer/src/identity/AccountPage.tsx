import type { ApiClient } from '../../../shared/api/client.ts';
import { FaucetButton } from '../pkps/FaucetButton.tsx';
import { Address } from '../ui/Address.tsx';
import { Amount } from '../ui/Amount.tsx';
import { useAddressName } from '../ui/address-book.ts';
import { HistoryList } from './HistoryList.tsx';
import { useIdentity } from './identity.tsx';

/** Any account's page: its balance and its history (the wallet account's, from the header's switcher). */
export function AccountPage({ client, address }: { client: ApiClient; address: string }) {
  const { wallet, pkps } = useIdentity();
  const name = useAddressName(address) ?? 'Account';
  const balance =
    wallet?.address.toLowerCase() === address.toLowerCase()
      ? wallet.balanceWei
      : pkps.find((p) => p.ethAddress.toLowerCase() === address.toLowerCase())?.balanceWei;
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">{name}</h1>
      <p>
        <Address address={address} noName />
      </p>
      <dl className="facts">
        <div>
          <dt>Balance</dt>
          <dd data-testid="account-balance">{balance !== undefined ? <Amount wei={balance} /> : '…'}</dd>
        </div>
      </dl>
      <div className="row">
        <FaucetButton client={client} address={address} onFunded={() => undefined} />
      </div>
      <h2>History</h2>
      <HistoryList client={client} address={address} refreshKey={balance} />
    </section>
  );
}
