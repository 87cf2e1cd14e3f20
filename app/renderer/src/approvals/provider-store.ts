import { useSyncExternalStore } from 'react';
import type { ProviderState } from '../../../shared/provider/provider-wire.ts';

// The wallet provider's state as the host last pushed it (live socket): the approval prompt and
// Settings' connected sites read it, so both change the moment the queue or a connection does.

let current: ProviderState | undefined;
const listeners = new Set<() => void>();

export function setProviderState(state: ProviderState): void {
  current = state;
  for (const listener of listeners) listener();
}

export function useProviderState(): ProviderState | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
