import type { z } from 'zod';
import type { FieldError } from '../../shared/api/contract.ts';
import { CliError } from './cli-error.ts';

/**
 * A CLI option's value parsed as a wire value (shared/wire-values.ts), so a typo is refused
 * here with the option's name, before the host is asked. Exit code 1, as when the host
 * refused it. `hex` values may be given without their 0x (the CLI has always taken both).
 */
export function optionValue<S extends z.ZodType>(
  schema: S,
  option: string,
  text: string,
  options: { addHexPrefix?: boolean } = {},
): z.output<S> {
  const given = options.addHexPrefix && !text.startsWith('0x') ? `0x${text}` : text;
  const parsed = schema.safeParse(given);
  if (!parsed.success) throw new CliError(`${option} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data;
}

/** The CLI option that gives each API field, to name it in the host's refusals. */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  publicKey: '--pubkey',
  pkpPublicKey: '--pubkey',
  toSign: '--digest',
  digest: '--digest',
  signature: '--signature',
  to: '--to',
  valueEth: '--value',
  address: '--address',
  amountEth: '--amount',
  ipfsId: '--ipfs',
  message: '--message',
  scope: '--scope',
  resources: '--resources',
  expiresInSecs: '--expires-in',
  domain: '--domain',
  jsParams: '--params',
  conditions: '--conditions',
  text: '--text',
};

/** The host's field errors, one line each, named by the option that gave the field where there is one. */
export function fieldErrorLines(fieldErrors: readonly FieldError[]): string[] {
  return fieldErrors.map(({ field, message }) => {
    const top = field.split('.')[0]!;
    const option = Object.hasOwn(OPTION_OF_FIELD, top) ? OPTION_OF_FIELD[top] : undefined;
    return option && top === field ? `${option}: ${message}` : `${option ? `${option} ` : ''}${field}: ${message}`;
  });
}
