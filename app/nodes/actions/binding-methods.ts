// The bindings a runner process may call on its node. Apart from runner-protocol.ts (which
// parses what a runner sends) so that the runner process itself does not load zod to know them.
import type { ActionBindings } from './types.ts';

/** The ActionBindings a runner process may call, by name: nothing else reaches the node. */
export const BINDING_METHODS = [
  'signEcdsa',
  'getLatestNonce',
  'isPermittedAction',
  'isPermittedAddress',
  'isPermittedAuthMethod',
  'getPermittedActions',
  'getPermittedAddresses',
  'getPermittedAuthMethods',
  'checkConditions',
  'runOnceIsLeader',
  'runOnceBroadcast',
  'runOnceCollect',
  'broadcastAndCollect',
  'decryptAndCombine',
  'fetch',
] as const satisfies readonly (keyof ActionBindings)[];
