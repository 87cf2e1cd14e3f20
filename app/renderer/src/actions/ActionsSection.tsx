import type { ApiClient } from '../../../shared/api/client.ts';
import { useNavigate } from '../navigation.ts';
import { ActionsPage } from './ActionsPage.tsx';
import { VerifyPage } from './VerifyPage.tsx';

/** Lit Actions: write and run them, or verify what a Mint/Grant/Burn signature proves. */
export function ActionsSection({
  client,
  networkReady,
  tab,
}: {
  client: ApiClient;
  networkReady: boolean;
  tab: 'run' | 'verify';
}) {
  const navigate = useNavigate();
  return (
    <>
      <nav className="subnav" aria-label="Actions">
        <button
          type="button"
          aria-current={tab === 'run' ? 'page' : undefined}
          onClick={() => navigate({ section: 'actions', tab: 'run' })}
        >
          Write and run
        </button>
        <button
          type="button"
          aria-current={tab === 'verify' ? 'page' : undefined}
          onClick={() => navigate({ section: 'actions', tab: 'verify' })}
        >
          Verify
        </button>
      </nav>
      {tab === 'run' ? <ActionsPage client={client} networkReady={networkReady} /> : <VerifyPage client={client} />}
    </>
  );
}
