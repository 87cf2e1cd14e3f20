import { useSyncExternalStore } from 'react';
import type { ActionRunResult, ApiOutput } from '../../../shared/api/contract.ts';
import { SIGN_IF_PRIME_ACTION } from '../../../shared/actions/sign-if-prime.ts';

/**
 * The Actions section's work: the code, jsParams, the last result and the Verify form. It lives
 * outside the page components, so leaving the page (or switching Write and run ↔ Verify) keeps
 * it, and a run still in flight lands here when it finishes. Kept in sessionStorage, so a
 * reload of the tab keeps it too.
 */
export interface ActionsState {
  example: string;
  code: string;
  params: string;
  result?: ActionRunResult;
  error?: string;
  notice?: string;
  /** What is running ("run", "grant", "mgb"); not kept across a reload, the request is gone then. */
  busy?: string;
  /** When the running request started (for the elapsed-time counter). */
  busySince?: number;
  verify: { publicKey: string; code: string; signature: string; digest: string };
  verdict?: ApiOutput<'verifyMintGrantBurn'>;
  verifyError?: string;
}

export const EXAMPLES: Record<string, { code: string; params: string }> = {
  'Sign a number if it is prime': { code: SIGN_IF_PRIME_ACTION, params: '{\n  "number": 7,\n  "publicKey": ""\n}' },
  'Hello, nodes': {
    code: 'const n = Lit.Auth.actionIpfsIdStack.length;\nconsole.log("running", Lit.Auth.actionIpfsIdStack[0]);\nLit.Actions.setResponse({ response: "hello " + name });\n',
    params: '{\n  "name": "Litbox"\n}',
  },
};

const STORAGE_KEY = 'litbox.actions';
const FIRST = Object.keys(EXAMPLES)[0]!;

function initial(): ActionsState {
  const base: ActionsState = {
    example: FIRST,
    code: EXAMPLES[FIRST]!.code,
    params: EXAMPLES[FIRST]!.params,
    verify: { publicKey: '', code: SIGN_IF_PRIME_ACTION, signature: '', digest: '' },
  };
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) return { ...base, ...(JSON.parse(saved) as Partial<ActionsState>), busy: undefined };
  } catch {
    // a damaged entry: start fresh
  }
  return base;
}

let state: ActionsState | undefined;
const listeners = new Set<() => void>();

export function actionsState(): ActionsState {
  state ??= initial();
  return state;
}

export function updateActions(change: Partial<ActionsState> | ((s: ActionsState) => Partial<ActionsState>)): void {
  const current = actionsState();
  state = { ...current, ...(typeof change === 'function' ? change(current) : change) };
  try {
    const { busy: _busy, busySince: _since, ...kept } = state;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
  } catch {
    // storage full or blocked: the state still lives for this page load
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useActionsState(): ActionsState {
  return useSyncExternalStore(subscribe, actionsState);
}

const hex = (value: string) => (value.startsWith('0x') ? value : `0x${value}`);

/**
 * What the Verify form needs from a run: the first signature's PKP, the signature, the digest
 * the nodes actually signed, and the code that ran.
 */
export function verifyFromRun(result: ActionRunResult, code: string): ActionsState['verify'] | undefined {
  const first = Object.values(result.signatures)[0];
  if (!first) return undefined;
  return { publicKey: hex(first.publicKey), code, signature: first.signature, digest: hex(first.dataSigned) };
}
