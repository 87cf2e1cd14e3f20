import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';
import { connectToHost } from './status-command.ts';
import { PublicKey } from '../../shared/wire-values.ts';
import { optionValue } from './cli-values.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** "3600", "90m", "12h" or "7d" in seconds. */
export function parseExpiresIn(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new CliError(`--expires-in takes seconds or a number with s, m, h or d, like 7d (got ${text})`, 2);
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
}

/**
 * `litbox ceramic session --pubkey HEX [--resources URI]... [--expires-in 7d] [--domain APP]
 * [--export-session] [--json]`: a Ceramic did:pkh session for a PKP, signed as the wallet
 * account. --json prints only the CACAO ({h, p, s}, what @didtools/cacao reads). With
 * --export-session it prints did-session's serialized session instead (with --json:
 * {cacao, session}); that string holds the session key, so it is only printed when asked for.
 */
export const ceramicSessionCommand: CommandHandler = async (values) => {
  const pubkey = values.pubkey;
  if (typeof pubkey !== 'string') throw new CliError('ceramic session needs --pubkey HEX (the PKP public key)', 2);
  const resources = values.resources as unknown as string[] | undefined;
  const expiresIn = values['expires-in'];
  const expiresInSecs = typeof expiresIn === 'string' ? parseExpiresIn(expiresIn) : undefined;
  const exportSession = values['export-session'] === true;
  const client = connectToHost(values['data-dir'] as string | undefined);
  const session = await client.call('ceramicSession', {
    publicKey: optionValue(PublicKey, '--pubkey', pubkey),
    ...(resources?.length ? { resources } : {}),
    ...(expiresInSecs !== undefined ? { expiresInSecs } : {}),
    ...(typeof values.domain === 'string' ? { domain: values.domain } : {}),
    exportSession,
  });
  if (values.json) {
    console.log(JSON.stringify(exportSession ? { cacao: session.cacao, session: session.session } : session.cacao));
    return;
  }
  if (exportSession) {
    console.error(
      `litbox: ${session.did} → ${session.sessionDid} until ${session.expiresAt}; the line below holds the session key: keep it secret`,
    );
    console.log(session.session);
    return;
  }
  console.log(
    [
      `account      ${session.did}`,
      `session key  ${session.sessionDid}`,
      `resources    ${session.resources.join(' ')}`,
      `expires      ${session.expiresAt}`,
      `CACAO CID    ${session.cacaoCid}`,
      JSON.stringify(session.cacao, null, 2),
    ].join('\n'),
  );
};
