import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { NetworkStatus, Pkp } from '../../../shared/api/contract.ts';
import { AddressBookContext, buildAddressBook } from '../ui/address-book.ts';

export interface Identity {
  wallet: { address: string; balanceWei: string } | undefined;
  /** Every PKP the wallet knows, with names and balances; burned ones included (pages set them apart). */
  pkps: Pkp[];
  /** Reads the wallet account and the PKP list again (after a mint, a rename, a send). */
  refresh: () => Promise<void>;
}

const IdentityContext = createContext<Identity>({ wallet: undefined, pkps: [], refresh: async () => undefined });

export function useIdentity(): Identity {
  return useContext(IdentityContext);
}

/**
 * Who is who in this wallet: the wallet account and the PKPs (names, balances), read from the
 * host, plus the address book every Address uses to name contracts, the wallet and named PKPs.
 * It reads again when a signature or block changes the live status, and when asked.
 */
export function IdentityProvider({
  client,
  status,
  children,
}: {
  client: ApiClient;
  status: NetworkStatus | undefined;
  children: ReactNode;
}) {
  const [wallet, setWallet] = useState<Identity['wallet']>();
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const ready = status?.ready === true;
  const refresh = useCallback(async () => {
    const [w, list] = await Promise.all([client.call('wallet', {}), client.call('pkpList', {})]);
    setWallet(w);
    setPkps(list.pkps);
  }, [client]);

  const block = status?.chain.blockNumber;
  useEffect(() => {
    if (ready) void refresh().catch(() => undefined);
  }, [ready, refresh, block]);

  const book = useMemo(
    () => buildAddressBook(status?.contracts, wallet?.address, pkps),
    [status?.contracts, wallet, pkps],
  );
  const identity = useMemo(() => ({ wallet, pkps, refresh }), [wallet, pkps, refresh]);
  return (
    <IdentityContext.Provider value={identity}>
      <AddressBookContext.Provider value={book}>{children}</AddressBookContext.Provider>
    </IdentityContext.Provider>
  );
}
