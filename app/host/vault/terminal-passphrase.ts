import readline from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks for the vault passphrase: from LITBOX_PASSPHRASE (headless runs), else on the
 * terminal with the input hidden, twice when a new vault is made. No terminal, no answer.
 */
export async function askPassphraseFromTerminal(creating: boolean): Promise<string | undefined> {
  const fromEnv = process.env.LITBOX_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const first = await hiddenQuestion(
    creating
      ? 'No OS keychain answered. Choose a passphrase to protect Litbox secrets (at least 8 characters): '
      : 'Passphrase for the Litbox vault: ',
  );
  if (!creating) return first;
  const again = await hiddenQuestion('Type it again: ');
  if (again !== first) throw new Error('the two passphrases differ; nothing was created');
  return first;
}

function hiddenQuestion(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
