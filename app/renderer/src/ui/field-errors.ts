import type { FieldError } from '../../../shared/api/contract.ts';

/**
 * The host's field errors (ApiCallError.fieldErrors, data on the wire) placed on a form: each
 * message about a field the form shows goes next to that control, under the form's own name
 * for it (`fieldOf` maps the host's field to the form's); the others stay one message, and a
 * failure about no field keeps the error's own message.
 */
export function placeFieldErrors(
  fieldErrors: readonly FieldError[],
  message: string,
  fieldOf: Readonly<Record<string, string>>,
): { fields: Record<string, string>; other: string | undefined } {
  const placed: Record<string, string> = {};
  const rest: string[] = [];
  for (const { field, message: text } of fieldErrors) {
    const control = Object.hasOwn(fieldOf, field) ? fieldOf[field] : undefined;
    if (control !== undefined) placed[control] ??= sentence(text);
    else rest.push(`${field}: ${text}`);
  }
  return {
    fields: placed,
    other: rest.length ? rest.join('; ') : Object.keys(placed).length ? undefined : message,
  };
}

function sentence(text: string): string {
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(first) ? first : `${first}.`;
}
