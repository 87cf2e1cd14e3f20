import { useState } from 'react';
import type { ApiClient } from '../../../shared/api/client.ts';
import { useIdentity } from '../identity/identity.tsx';
import { toast } from '../ui/toasts.tsx';

/** The sandbox faucet: 10 ETH more for an address (the wallet account or any PKP). */
export function FaucetButton({
  client,
  address,
  onFunded,
}: {
  client: ApiClient;
  address: string;
  onFunded: (balanceWei: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const identity = useIdentity();
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        data-testid="faucet"
        onClick={() => {
          setBusy(true);
          setError(undefined);
          client
            .call('faucet', { address, amountEth: '10' })
            .then(
              (r) => {
                onFunded(r.balanceWei);
                // The faucet mines no block: the header and lists read the new balance now.
                void identity.refresh();
                toast(`Added 10 ETH to ${address}.`);
              },
              (err: Error) => setError(err.message),
            )
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Adding…' : 'Add 10 ETH (faucet)'}
      </button>
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </>
  );
}
