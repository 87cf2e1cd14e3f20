import type { ApiClient } from '../../../../shared/api/client.ts';
import type { Account, ApiOutput, NetworkStatus } from '../../../../shared/api/contract.ts';

export type PkpDetails = ApiOutput<'pkpDetails'>;

/** What every tab of a PKP's page works with (its own module, so the tabs need not import the page). */
export interface PkpContext {
  client: ApiClient;
  details: PkpDetails;
  status: NetworkStatus;
  walletAddress: string;
  accounts: Account[];
  /** Reads the PKP from the chain again (after a transaction or a permission change). */
  refresh: () => Promise<void>;
}
