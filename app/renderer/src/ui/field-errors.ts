/**
 * The host names the field a bad request is about: "value: the PKP holds…" from the wallet's
 * checks, "bad input for pkpSend: to: must be…; valueEth: …" from the API's schema check.
 * This splits such a message per field, so each part shows next to its own control.
 */
export function splitFieldErrors(
  message: string,
  fields: readonly string[],
): { fields: Record<string, string>; other: string | undefined } {
  const schema = /^bad input for \w+: /.exec(message);
  // Only the schema check joins several issues with "; "; a wallet check's one message may contain it.
  const parts = schema ? message.slice(schema[0].length).split('; ') : [message];
  const found: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of parts) {
    const match = /^([A-Za-z]+): ([\s\S]+)$/.exec(part);
    const field = match?.[1];
    if (field && match[2] && fields.includes(field)) found[field] = sentence(match[2]);
    else rest.push(part);
  }
  return { fields: found, other: rest.length ? rest.join('; ') : undefined };
}

function sentence(text: string): string {
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(first) ? first : `${first}.`;
}

/**
 * The same split from the host's structured field errors (ApiError.fields): the fields this
 * form shows go next to their controls; a failure about no field of the form keeps its message.
 */
export function splitNamedFields(
  named: Record<string, string>,
  message: string,
  fields: readonly string[],
): { fields: Record<string, string>; other: string | undefined } {
  const found: Record<string, string> = {};
  const rest: string[] = [];
  for (const [field, text] of Object.entries(named)) {
    if (fields.includes(field)) found[field] = sentence(text);
    else rest.push(`${field}: ${text}`);
  }
  return { fields: found, other: rest.length ? rest.join('; ') : Object.keys(found).length ? undefined : message };
}
