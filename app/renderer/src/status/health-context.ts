import { createContext, useContext } from 'react';
import { networkHealth, type NetworkHealth } from './network-health.ts';

/** The sandbox state App computes from the live status, for the pages that explain a wait. */
export const HealthContext = createContext<NetworkHealth>(networkHealth(undefined, true));

export function useHealth(): NetworkHealth {
  return useContext(HealthContext);
}
