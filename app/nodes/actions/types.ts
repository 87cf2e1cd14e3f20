// The Lit Action runtime's public shapes: what the node layer hands to the runner for one
// execution (code, params, auth, bindings) and what it gets back (response, logs, sign
// requests, error). Everything an action can do to the outside world goes through
// ActionBindings; the runner validates every argument before a binding sees it.

/** A signature an action asked for; the node signs only for the requests of a run without error. */
export interface ActionSignRequest {
  /** The name the action gave it; the SDK returns the signature under signatures[sigName]. */
  readonly sigName: string;
  /** The 32-byte digest to sign (for ethPersonalSignMessageEcdsa: the EIP-191 hash of the message). */
  readonly toSign: Uint8Array;
  /** The PKP's 65-byte uncompressed secp256k1 key, lower-case hex with 0x ("0x04..."). */
  readonly publicKey: string;
  /**
   * Which call made it. signEcdsa needs a permission with scope SignAnything;
   * ethPersonalSignMessageEcdsa needs PersonalSign, which SignAnything covers.
   */
  readonly method: 'signEcdsa' | 'ethPersonalSignMessageEcdsa';
}

/** A fetch the action made, after the allow-list check. */
export interface ActionFetchRequest {
  /** Absolute http(s) URL on the allow-list. */
  readonly url: string;
  /** Upper-case method name. */
  readonly method: string;
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body?: string | Uint8Array;
}

/** What a fetch binding returns; the action sees it as a Response-like object. */
export interface ActionFetchResponse {
  /** Final URL (after redirects the binding followed, each of them on the allow-list). */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: Uint8Array;
}

/** One entry of getPermittedAuthMethods, in Lit's shape. */
export interface PermittedAuthMethod {
  readonly auth_method_type: number;
  /** Auth method id bytes, hex with 0x. */
  readonly id: string;
  /** WebAuthn COSE public key bytes, hex with 0x ("0x" when none). */
  readonly user_pubkey: string;
}

/** Lit.Actions.decryptAndCombine's arguments, validated only for shape. */
export interface DecryptAndCombineArgs {
  readonly accessControlConditions: readonly unknown[];
  readonly ciphertext: string;
  readonly dataToEncryptHash: string;
  readonly authSig: unknown;
  readonly chain: string;
}

/**
 * Everything outside the sandbox, implemented by the node layer for one execution (it closes
 * over the request: its id for runOnce/broadcastAndCollect, the verified auth for signing).
 * The runner calls these only with validated arguments. A binding that throws makes the call
 * reject inside the action with the error's message (never its stack): throw errors whose
 * message the action's author should read ("PKP 0x04.. does not permit action Qm..").
 * Return plain data only (strings, numbers, booleans, null, arrays, plain objects, Uint8Array).
 */
export interface ActionBindings {
  /**
   * A valid signEcdsa / ethPersonalSignMessageEcdsa call. Throw to refuse it (e.g. this action
   * is not permitted for the PKP); the request is then not part of the result. Do not release a
   * signature share here: shares come from ActionResult.signRequests after a run without error.
   */
  signEcdsa(request: ActionSignRequest): Promise<void>;
  /** Latest nonce of an address on a chain ("pending" count), as a decimal string. */
  getLatestNonce(args: { address: string; chain: string }): Promise<string>;
  isPermittedAction(args: { tokenId: bigint; ipfsId: string }): Promise<boolean>;
  isPermittedAddress(args: { tokenId: bigint; address: string }): Promise<boolean>;
  isPermittedAuthMethod(args: { tokenId: bigint; authMethodType: number; userId: Uint8Array }): Promise<boolean>;
  /** CIDs (Qm...) of the actions permitted for the PKP. */
  getPermittedActions(args: { tokenId: bigint }): Promise<string[]>;
  /** Checksummed addresses permitted for the PKP, the owner first. */
  getPermittedAddresses(args: { tokenId: bigint }): Promise<string[]>;
  getPermittedAuthMethods(args: { tokenId: bigint }): Promise<PermittedAuthMethod[]>;
  /** Evaluates access control conditions (EVM basic conditions on the sandbox chain). */
  checkConditions(args: {
    conditions: readonly unknown[];
    authSig: unknown;
    chain: string | undefined;
  }): Promise<boolean>;
  /** runOnce: true on exactly one node of this execution (the leader for `name`). */
  runOnceIsLeader(args: { name: string }): Promise<boolean>;
  /** runOnce with waitForResponse: the leader publishes its result to the other nodes. */
  runOnceBroadcast(args: { name: string; value: string }): Promise<void>;
  /** runOnce with waitForResponse on a non-leader: waits for the leader's result. */
  runOnceCollect(args: { name: string }): Promise<string>;
  /** broadcastAndCollect: every node's value for `name`, in node order. */
  broadcastAndCollect(args: { name: string; value: string }): Promise<string[]>;
  /** The plaintext (UTF-8) once T nodes released shares; throws with every refusal otherwise. */
  decryptAndCombine(args: DecryptAndCombineArgs): Promise<string>;
  /** An HTTP request already checked against the allow-list; see allowListedFetch. */
  fetch(request: ActionFetchRequest): Promise<ActionFetchResponse>;
}

/** One authentication context of the request, as Lit puts it in Lit.Auth.authMethodContexts. */
export interface ActionAuthMethodContext {
  readonly userId: string;
  readonly appId: string;
  readonly authMethodType: number;
  readonly lastRetrievedAt?: string;
  readonly expiration?: number;
  readonly usedForSignSessionKeyRequest?: boolean;
}

/** The verified auth of the request; the runner adds actionIpfsIdStack and freezes it as Lit.Auth. */
export interface ActionAuth {
  readonly authSigAddress?: string | null;
  readonly authMethodContexts?: readonly ActionAuthMethodContext[];
  readonly resources?: readonly string[];
  readonly customAuthResource?: string;
}

/** One execution request. */
export interface ActionExecution {
  /** The action's JavaScript; it runs as the body of an async function. */
  readonly code: string;
  /** The code's CIDv0, already checked by the caller; computed from the code when absent. */
  readonly ipfsId?: string;
  /** Top-level keys become globals (JSON data, deep-copied into the sandbox). */
  readonly jsParams?: Readonly<Record<string, unknown>> | null;
  readonly auth?: ActionAuth;
  readonly bindings: ActionBindings;
  /**
   * Who asks (a verified address or auth method id), for the per-requester share of the
   * node's runs; requests without one share the share of "anonymous".
   */
  readonly requester?: string;
  /**
   * The host's own Lit client asks (it showed the host client key). Its calls are already
   * bounded by the host API's limits and carry every user of the wallet, so they run in the
   * host's lane (a runner process, slots and a queue of their own that outsiders cannot fill),
   * not held to one requester's share.
   */
  readonly fromHost?: boolean;
}

/** 'busy': the node had no slot for the run (it did not start); the others are the action's. */
export type ActionErrorKind = 'syntax' | 'thrown' | 'timeout' | 'memory' | 'limit' | 'busy';

export interface ActionError {
  readonly kind: ActionErrorKind;
  /** One line for people ("Error: 8 is not prime", "SyntaxError: Unexpected token ... [lit-action.js:3:7]"). */
  readonly message: string;
  /** The action's stack trace, when it threw an Error (lines refer to the action's code). */
  readonly stack?: string;
}

export interface ActionResult {
  /** The string given to Lit.Actions.setResponse; undefined when not set or when the run failed. */
  readonly response: string | undefined;
  /** console output, one line per call, as far as the log limit. Kept when the run failed. */
  readonly logs: string;
  /** Requests the bindings accepted, in call order; always empty when the run failed. */
  readonly signRequests: readonly ActionSignRequest[];
  readonly error?: ActionError;
  /** The CID the run used for Lit.Auth.actionIpfsIdStack. */
  readonly ipfsId: string;
  /** Wall time of execute(), in milliseconds. */
  readonly durationMs: number;
}
