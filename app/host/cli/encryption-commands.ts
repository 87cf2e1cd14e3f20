import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.ts';
import type { CommandHandler } from './run-cli.ts';
import { connectToHost } from './status-command.ts';
import { PublicKey } from '../../shared/wire-values.ts';
import { optionValue } from './cli-values.ts';

type Values = Record<string, string | boolean | undefined>;

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFile(file, what).toString('utf8'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${what} ${file} is not JSON: ${(err as Error).message}`, 2);
  }
}

function writeOut(file: string, data: string | Uint8Array): void {
  try {
    // Written whole to a temporary name, then renamed: no half-written file on a crash.
    // Readable by this user only: it may be a decrypted secret.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * `litbox encrypt --conditions FILE (--text T | --file F) [--out FILE] [--json]`: encrypts to
 * the network key under the conditions; prints (or writes) the encrypted record as JSON.
 * `--text -` reads the text from stdin, which keeps a secret out of the process list.
 */
export const encryptCommand: CommandHandler = async (values: Values) => {
  const conditionsFile = values.conditions as string | undefined;
  if (!conditionsFile) throw new CliError('give the access control conditions: --conditions FILE (JSON)', 2);
  const text = values.text === '-' ? fs.readFileSync(0, 'utf8') : (values.text as string | undefined);
  const file = values.file as string | undefined;
  if ((text === undefined) === (file === undefined)) throw new CliError('give either --text TEXT or --file FILE', 2);
  const conditions = readJson(conditionsFile, 'conditions file');
  if (!Array.isArray(conditions))
    throw new CliError('the conditions file must hold a JSON array (Lit accessControlConditions)', 2);
  const record = await connectToHost(values['data-dir'] as string | undefined).call('encrypt', {
    conditions,
    ...(text !== undefined
      ? { text }
      : { dataBase64: readFile(file!, 'file').toString('base64'), fileName: path.basename(file!) }),
  });
  const json = JSON.stringify(record, null, values.json ? undefined : 2);
  const out = values.out as string | undefined;
  if (!out) return console.log(json);
  writeOut(out, `${json}\n`);
  console.log(
    values.json
      ? JSON.stringify({ out, dataToEncryptHash: record.dataToEncryptHash })
      : `encrypted to ${out} (data hash ${record.dataToEncryptHash})`,
  );
};

/**
 * `litbox decrypt --in FILE [--pubkey HEX] [--out FILE] [--json]`: asks the nodes for
 * decryption shares as the wallet account (or as a PKP it may sign for) and prints the text.
 */
export const decryptCommand: CommandHandler = async (values: Values) => {
  const input = values.in as string | undefined;
  if (!input) throw new CliError('give the encrypted record: --in FILE (what litbox encrypt wrote)', 2);
  const encrypted = readJson(input, 'encrypted record');
  const pubkey = values.pubkey as string | undefined;
  const result = await connectToHost(values['data-dir'] as string | undefined).call('decrypt', {
    encrypted: encrypted as never, // the host validates it and says what is wrong
    ...(pubkey ? { pkpPublicKey: optionValue(PublicKey, '--pubkey', pubkey) } : {}),
  });
  const out = values.out as string | undefined;
  if (out) writeOut(out, Buffer.from(result.dataBase64, 'base64'));
  if (values.json) {
    const { nodeMs: _nodeMs, combineMs: _combineMs, ...shown } = result;
    return console.log(JSON.stringify(out ? { ...shown, out } : shown));
  }
  if (out) return console.log(`decrypted to ${out} (shares of nodes ${result.nodes.join(', ')})`);
  if (result.text === undefined) throw new CliError('the plaintext is binary; write it to a file with --out FILE', 2);
  console.log(result.text);
};
