import type { ApiClient } from '../../../shared/api/client.ts';
import type { Account, SignAs } from '../../../shared/api/contract.ts';
import { authenticateWithPasskey } from '../passkeys/index.ts';
import { Field } from '../ui/Field.tsx';
import type { SignerChoice } from './wallet-checks.ts';

export function signerKey(choice: SignerChoice): string {
  return choice.kind === 'account' ? `account:${choice.sub}` : choice.kind;
}

function parseSignerKey(key: string): SignerChoice {
  if (key.startsWith('account:')) return { kind: 'account', sub: key.slice('account:'.length) };
  return key === 'passkey' ? { kind: 'passkey' } : { kind: 'wallet' };
}

/** The proof the host hands the nodes; a passkey signs a fresh challenge now (the browser asks). */
export async function signAsFor(client: ApiClient, choice: SignerChoice): Promise<SignAs> {
  if (choice.kind === 'account') return { account: choice.sub };
  if (choice.kind === 'passkey') {
    const { challenge } = await client.call('passkeyChallenge', { purpose: 'login' });
    return { passkey: JSON.stringify(await authenticateWithPasskey({ challenge })) };
  }
  return { wallet: true };
}

/** "Sign as": the PKP's auth method that authorises this request, with the reason when it may not. */
export function SignerField({
  value,
  onChange,
  accounts,
  error,
}: {
  value: SignerChoice;
  onChange: (choice: SignerChoice) => void;
  accounts: readonly Account[];
  error: string | undefined;
}) {
  return (
    <Field label="Sign as" error={error} hint="The auth method the nodes check before they give their shares.">
      {(control) => (
        <select
          {...control}
          value={signerKey(value)}
          onChange={(e) => onChange(parseSignerKey(e.target.value))}
          data-testid="signer"
        >
          <option value="wallet">the wallet account</option>
          {accounts.map((a) => (
            <option key={a.sub} value={`account:${a.sub}`}>
              {a.email ?? a.sub}
            </option>
          ))}
          <option value="passkey">a passkey</option>
        </select>
      )}
    </Field>
  );
}
