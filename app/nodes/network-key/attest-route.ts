import { blsShareToLitJson, blsSignShare } from '../../shared/threshold/bls.ts';
import { ATTESTATION_PREFIX } from '../../shared/node-api.ts';
import { AttestRequest, type NodeRouteResponse } from '../../shared/node-protocol.ts';
import { parseJsonBody } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';
import type { NodeContext } from '../node-context.ts';

/**
 * A threshold BLS signature share with the network key over "litbox-attestation:v1:" +
 * message. The prefix keeps this route from ever signing an access-control identity
 * ("lit-accesscontrolcondition://…"), whose signature is a decryption key: decryption shares
 * come only from the route that checks the conditions.
 */
export function handleAttest(ctx: NodeContext, body: string): NodeRouteResponse<'blsAttest'> {
  const parsed = AttestRequest.safeParse(parseJsonBody(body));
  if (!parsed.success)
    throw new NodeRequestError(400, 'bad_request', 'message must be a string of 1 to 4096 characters');
  const key = ctx.networkKey.ready();
  if (!key)
    throw new NodeRequestError(503, 'no_network_key', 'the network key is not made yet (genesis is still running)');
  const signature = blsSignShare(new TextEncoder().encode(ATTESTATION_PREFIX + parsed.data.message), key.share);
  return { node: ctx.index, share: blsShareToLitJson({ index: ctx.index, signature }) };
}
