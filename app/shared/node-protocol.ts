import { z } from 'zod';
import { LIT_ERROR_STATUS, type LitErrorCode } from './lit-sdk/node-routes.ts';
import {
  BindRequest,
  BindResponse,
  DecryptShareRequest,
  DecryptShareResponse,
  ExecuteJsNodeResponse,
  ExecuteJsRequest,
  PresignaturesAvailable,
  RebindRequest,
  ReleaseRequest,
  ReleaseResponse,
  RetireRequest,
  RetireResponse,
} from './node-api.ts';
import { NodeHealth } from './node-ipc.ts';
import { PASSKEY_ERROR_CODES } from './webauthn/errors.ts';

/**
 * The node's own API as its clients (the host's Lit client, tests, other programs) call it: one
 * entry per route with its path, request and answer schemas and the closed list of error codes
 * it answers with. Nodes register their routes from this table (app/nodes/node-routes.ts) and
 * the host calls them by name and parses every answer with it (app/host/lit-client/node-channel.ts),
 * so a route or a code changes in one place. Node-to-node messages are signed envelopes
 * (app/nodes/peers), and Lit's own node API has its table in lit-sdk/node-routes.ts.
 */

/** What any route may answer (http-server.ts): malformed, refused at the door, too large, not joined yet, a fault. */
export const TRANSPORT_ERRORS = [
  'bad_request',
  'forbidden',
  'not_found',
  'host_only',
  'too_large',
  'internal',
  'not_ready',
] as const;

/** Who asks was not proved (auth/). */
const AUTH_ERRORS = [
  'bad_auth_sig',
  'expired_auth_sig',
  'reused_nonce',
  'bad_auth_method',
  'unsupported_auth_method',
  ...PASSKEY_ERROR_CODES,
] as const;

/** Every code a node answers an error with, whichever route. */
export const NODE_ERROR_CODES = [
  ...TRANSPORT_ERRORS,
  ...AUTH_ERRORS,
  // signing (signing/)
  'unknown_pkp',
  'not_permitted',
  'rate_limited',
  'presignature_used',
  'unknown_presignature',
  'released',
  'not_bound',
  'not_enough_bindings',
  // actions (execute/, actions/)
  'busy',
  'cid_mismatch',
  'unknown_run',
  'other_message',
  // the network key and decryption (network-key/, decryption/)
  'no_network_key',
  'network_key_exists',
  'wrong_network_key',
  'bad_ciphertext',
  'bad_conditions',
  'conditions_error',
  'conditions_not_met',
  // node-to-node protocols (peers/, protocols/): answered to peers, listed so one type covers all
  'bad_envelope',
  'bad_message',
  'bad_signature',
  'unknown_node',
  'unregistered',
  'stale_request',
  'replayed',
  'disagreement',
  'bad_dealing',
  'missing_dealing',
  'bad_commit',
  'bad_batch',
  'unknown_batch',
  'bad_round2',
  'missing_round2',
  'missing_confirmation',
  'unexpected_round',
] as const;
export type NodeErrorCode = (typeof NODE_ERROR_CODES)[number];

/** A code a node may answer with: its own, or one of Lit's node API (lit-sdk/node-routes.ts). */
export type AnyNodeErrorCode = NodeErrorCode | LitErrorCode;
export const ANY_NODE_ERROR_CODES: readonly AnyNodeErrorCode[] = [
  ...new Set<AnyNodeErrorCode>([...NODE_ERROR_CODES, ...(Object.keys(LIT_ERROR_STATUS) as LitErrorCode[])]),
];

/** The body of every error answer of the node's own routes. */
export const NodeErrorBody = z.object({ error: z.object({ code: z.enum(NODE_ERROR_CODES), message: z.string() }) });
export type NodeErrorBody = z.infer<typeof NodeErrorBody>;

/** Codes a client can meet without a node having said them. */
export const CLIENT_ERROR_CODES = [
  /** The node did not answer in time. */
  'timeout',
  /** The node could not be reached, refused the channel, or closed it. */
  'unreachable',
  /** The node answered something this table does not describe. */
  'bad_answer',
  /** The node's share did not verify (a wrong or forged decryption share). */
  'bad_share',
] as const;
export type NodeCallErrorCode = NodeErrorCode | (typeof CLIENT_ERROR_CODES)[number];

interface NodeRouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The body's schema (POST). */
  readonly request?: z.ZodType;
  readonly response: z.ZodType;
  /** Answered only to the host's own client (401 host_only to anyone else). */
  readonly hostOnly?: boolean;
  /** The codes this route answers with, besides the transport's (TRANSPORT_ERRORS). */
  readonly errors: readonly NodeErrorCode[];
}

export const AttestRequest = z.object({ message: z.string().min(1).max(4096) });
export const AttestResponse = z.object({
  node: z.number().int(),
  /** This node's BLS signature share over ATTESTATION_PREFIX + message, in Lit's JSON form. */
  share: z.string(),
});

export const NODE_ROUTES = {
  health: { method: 'GET', path: '/health', response: NodeHealth, errors: [] },
  presignCount: {
    method: 'GET',
    path: '/presign/count',
    response: z.object({ fresh: z.number().int() }),
    errors: [],
  },
  /** Which presignatures are fresh: told only to the host's client (anyone else could spoil them). */
  presignAvailable: {
    method: 'GET',
    path: '/presign/available',
    response: PresignaturesAvailable,
    hostOnly: true,
    errors: [],
  },
  /** Presignatures others used without this node, retired (PresignStore.retire). */
  presignRetire: {
    method: 'POST',
    path: '/presign/retire',
    request: RetireRequest,
    response: RetireResponse,
    hostOnly: true,
    errors: [],
  },
  bind: {
    method: 'POST',
    path: '/pkp/sign/bind',
    request: BindRequest,
    response: BindResponse,
    errors: [
      ...AUTH_ERRORS,
      'unknown_pkp',
      'not_permitted',
      'rate_limited',
      'presignature_used',
      'unknown_presignature',
      'released',
    ],
  },
  release: {
    method: 'POST',
    path: '/pkp/sign/release',
    request: ReleaseRequest,
    response: ReleaseResponse,
    errors: ['unknown_pkp', 'not_bound', 'unknown_presignature', 'not_enough_bindings'],
  },
  execute: {
    method: 'POST',
    path: '/web/execute',
    request: ExecuteJsRequest,
    response: ExecuteJsNodeResponse,
    errors: [...AUTH_ERRORS, 'busy', 'cid_mismatch'],
  },
  /** Sign again after a run without running it again (ExecuteService.rebind). */
  rebind: {
    method: 'POST',
    path: '/web/execute/rebind',
    request: RebindRequest,
    response: BindResponse,
    hostOnly: true,
    errors: ['unknown_run', 'other_message', 'presignature_used', 'unknown_presignature', 'released'],
  },
  blsAttest: {
    method: 'POST',
    path: '/bls/attest',
    request: AttestRequest,
    response: AttestResponse,
    errors: ['no_network_key'],
  },
  decryptShare: {
    method: 'POST',
    path: '/decrypt/share',
    request: DecryptShareRequest,
    response: DecryptShareResponse,
    errors: [
      ...AUTH_ERRORS,
      'no_network_key',
      'wrong_network_key',
      'bad_ciphertext',
      'bad_conditions',
      'conditions_error',
      'conditions_not_met',
      'not_permitted',
      'unknown_pkp',
    ],
  },
} as const satisfies Record<string, NodeRouteSpec>;

export type NodeRouteName = keyof typeof NODE_ROUTES;
type Spec<N extends NodeRouteName> = (typeof NODE_ROUTES)[N];
/** What a route takes (POST routes). */
export type NodeRouteRequest<N extends NodeRouteName> =
  Spec<N> extends { request: z.ZodType } ? z.input<Spec<N>['request']> : undefined;
/** A route's answer, as its schema parses it. */
export type NodeRouteResponse<N extends NodeRouteName> = z.output<Spec<N>['response']>;
/** The codes a route answers with, its own and the transport's. */
export type NodeRouteError<N extends NodeRouteName> = Spec<N>['errors'][number] | (typeof TRANSPORT_ERRORS)[number];

/** Whether `code` is one a route of `name` answers with (a code outside its list is a node fault). */
export function isRouteError<N extends NodeRouteName>(name: N, code: string): code is NodeRouteError<N> {
  return (
    (TRANSPORT_ERRORS as readonly string[]).includes(code) ||
    (NODE_ROUTES[name].errors as readonly string[]).includes(code)
  );
}
