import { useEffect, useMemo, useState } from 'react';
import { ApiCallError, type ApiClient } from '../../../shared/api/client.ts';
import type { ApiOutput, FieldError, Pkp } from '../../../shared/api/contract.ts';
import { Field } from '../ui/Field.tsx';
import {
  buildConditions,
  CONDITION_KINDS,
  emptyRow,
  type ConditionKind,
  type ConditionRow,
  type RowErrors,
} from './condition-builder.ts';

type Encrypted = ApiOutput<'encrypt'>;
type Decrypted = ApiOutput<'decrypt'>;

/** Reads a file the person picked as base64 (no data: prefix). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/** An object URL for a download link, made once per content and revoked when it changes or the link goes. */
function useDownloadUrl(data: BlobPart | undefined, type: string): string | undefined {
  const url = useMemo(
    () => (data === undefined ? undefined : URL.createObjectURL(new Blob([data], { type }))),
    [data, type],
  );
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return url;
}

/** The host's field errors about the conditions ("conditions.0.method: …"), one per line; undefined if none. */
function conditionFieldErrors(fieldErrors: readonly FieldError[]): string | undefined {
  const lines = fieldErrors
    .filter(({ field }) => field === 'conditions' || field.startsWith('conditions.'))
    .map(({ field, message }) => (field === 'conditions' ? message : `${field}: ${message}`));
  return lines.length ? lines.join('\n') : undefined;
}

/** The API's message: the first line says what happened, the others (one per node) why. */
function splitReasons(message: string): { summary: string; reasons: string[] } {
  const [summary = message, ...reasons] = message.split('\n');
  return { summary, reasons };
}

/**
 * Access-controlled encryption: encrypt a text or a file to the network's key under
 * conditions built in a form (or written as JSON), and decrypt a record when the conditions
 * hold: each node checks them on the sandbox chain before it gives its share.
 */
export function EncryptionPage({ client, networkReady }: { client: ApiClient; networkReady: boolean }) {
  return (
    <section aria-labelledby="encryption-heading">
      <h1 id="encryption-heading">Encryption</h1>
      <p className="muted">
        Encrypt to the network’s BLS key under access control conditions. To decrypt, at least the threshold of nodes
        must each find the conditions met on the sandbox chain and give a decryption share.
      </p>
      <div className="grid-2">
        <EncryptForm client={client} networkReady={networkReady} />
        <DecryptForm client={client} networkReady={networkReady} />
      </div>
    </section>
  );
}

function ConditionFields({
  row,
  errors,
  onChange,
}: {
  row: ConditionRow;
  errors: RowErrors;
  onChange: (row: ConditionRow) => void;
}) {
  const set = (patch: Partial<ConditionRow>) => onChange({ ...row, ...patch });
  const text = (label: string, key: 'value' | 'contract' | 'tokenId' | 'signature' | 'args', hint?: string) => (
    <Field label={label} error={errors[key]} hint={hint}>
      {(control) => (
        <input
          {...control}
          className={key === 'value' && row.kind === 'balance' ? undefined : 'mono'}
          value={row[key]}
          onChange={(e) => set({ [key]: e.target.value })}
          data-testid={`condition-${key}`}
        />
      )}
    </Field>
  );
  switch (row.kind) {
    case 'balance':
      return text('Amount (ETH)', 'value');
    case 'address':
      return text('Address', 'value', 'Only this address can decrypt (sign in as it, or as a PKP with it).');
    case 'erc721-owner':
      return (
        <>
          {text('ERC-721 contract', 'contract', 'The PKP NFT contract is on the Network page.')}
          {text('Token id', 'tokenId')}
        </>
      );
    case 'erc721-balance':
      return (
        <>
          {text('ERC-721 contract', 'contract')}
          {text('At least (tokens)', 'value')}
        </>
      );
    case 'contract-call':
      return (
        <>
          {text('Contract', 'contract')}
          {text('Function', 'signature', 'e.g. function balanceOf(address) view returns (uint256)')}
          {text('Arguments', 'args', 'Comma-separated; :userAddress is the requester.')}
          <Field label="Result is">
            {(control) => (
              <select
                {...control}
                value={row.comparator}
                onChange={(e) => set({ comparator: e.target.value as ConditionRow['comparator'] })}
              >
                {(['=', '!=', '>', '>=', '<', '<='] as const).map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            )}
          </Field>
          {text('Value', 'value')}
        </>
      );
  }
}

function EncryptForm({ client, networkReady }: { client: ApiClient; networkReady: boolean }) {
  const [rows, setRows] = useState<ConditionRow[]>([{ ...emptyRow('balance'), value: '1' }]);
  const [joins, setJoins] = useState<('and' | 'or')[]>([]);
  const [editJson, setEditJson] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const [mode, setMode] = useState<'text' | 'file'>('text');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File>();
  const [dataError, setDataError] = useState<string>();
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Encrypted>();
  const [error, setError] = useState<string>();
  /** The host's refusal of the conditions (ones no node can check), field by field, shown at the JSON. */
  const [conditionsRefused, setConditionsRefused] = useState<string>();

  const built = useMemo(() => buildConditions(rows, joins), [rows, joins]);
  useEffect(() => {
    if (!editJson) setJsonText(built.conditions ? JSON.stringify(built.conditions, null, 2) : '');
  }, [built, editJson]);

  const conditionsToSend = (): unknown[] | undefined => {
    if (!editJson) return built.conditions;
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (!Array.isArray(parsed)) throw new Error('The conditions must be a JSON array.');
      setJsonError(undefined);
      return parsed;
    } catch (err) {
      setJsonError(err instanceof SyntaxError ? `Not JSON: ${err.message}` : (err as Error).message);
      return undefined;
    }
  };

  const encrypt = async (event: React.FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    setError(undefined);
    setResult(undefined);
    setConditionsRefused(undefined);
    const conditions = conditionsToSend();
    const missing =
      mode === 'text' ? (text === '' ? 'Enter the text to encrypt.' : undefined) : file ? undefined : 'Pick a file.';
    setDataError(missing);
    if (!conditions || missing) return;
    setBusy(true);
    try {
      const data =
        mode === 'text' ? { text } : { dataBase64: await readAsBase64(file!), fileName: file!.name.slice(0, 255) };
      setResult(await client.call('encrypt', { conditions, ...data }));
    } catch (err) {
      const refused = err instanceof ApiCallError ? conditionFieldErrors(err.fieldErrors) : undefined;
      if (refused) setConditionsRefused(refused);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const setRow = (i: number, row: ConditionRow) => setRows(rows.map((r, j) => (j === i ? row : r)));
  const record = useMemo(() => (result ? JSON.stringify(result, null, 2) : ''), [result]);
  const recordUrl = useDownloadUrl(result ? record : undefined, 'application/json');

  return (
    <form className="card" aria-labelledby="encrypt-heading" onSubmit={(e) => void encrypt(e)} noValidate>
      <h2 id="encrypt-heading">Encrypt</h2>
      <fieldset disabled={editJson}>
        <legend>Who may decrypt</legend>
        {rows.map((row, i) => (
          <div key={i} className="condition-row" data-testid="condition-row">
            {i > 0 ? (
              <Field label="Joined by">
                {(control) => (
                  <select
                    {...control}
                    value={joins[i - 1] ?? 'and'}
                    onChange={(e) => {
                      const next = [...joins];
                      next[i - 1] = e.target.value as 'and' | 'or';
                      setJoins(next);
                    }}
                  >
                    <option value="and">and</option>
                    <option value="or">or</option>
                  </select>
                )}
              </Field>
            ) : null}
            <Field label={`Condition ${i + 1}`}>
              {(control) => (
                <select
                  {...control}
                  value={row.kind}
                  onChange={(e) => setRow(i, { ...emptyRow(e.target.value as ConditionKind) })}
                  data-testid="condition-kind"
                >
                  {CONDITION_KINDS.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <ConditionFields
              row={row}
              errors={showErrors ? (built.errors[i] ?? {}) : {}}
              onChange={(next) => setRow(i, next)}
            />
            {rows.length > 1 ? (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setRows(rows.filter((_, j) => j !== i));
                  setJoins(joins.filter((_, j) => j !== Math.max(0, i - 1)));
                }}
              >
                Remove condition {i + 1}
              </button>
            ) : null}
          </div>
        ))}
        <button
          type="button"
          className="link"
          onClick={() => {
            setRows([...rows, emptyRow('balance')]);
            setJoins([...joins, 'and']);
          }}
        >
          Add a condition
        </button>
      </fieldset>
      <details open={editJson || conditionsRefused !== undefined}>
        <summary>Conditions as JSON (Lit’s accessControlConditions)</summary>
        <label className="inline">
          <input type="checkbox" checked={editJson} onChange={(e) => setEditJson(e.target.checked)} /> Edit the JSON by
          hand
        </label>
        <Field label="Conditions JSON" error={jsonError ?? conditionsRefused}>
          {(control) => (
            <textarea
              {...control}
              className="mono"
              rows={10}
              readOnly={!editJson}
              value={jsonText}
              onChange={(e) => setJsonText(e.target.value)}
              data-testid="conditions-json"
            />
          )}
        </Field>
      </details>
      <fieldset>
        <legend>What to encrypt</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'text'} onChange={() => setMode('text')} /> A text
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'file'} onChange={() => setMode('file')} /> A file (up to 1
          MiB)
        </label>
      </fieldset>
      {mode === 'text' ? (
        <Field label="Text" error={dataError}>
          {(control) => (
            <textarea
              {...control}
              rows={4}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="plaintext"
            />
          )}
        </Field>
      ) : (
        <Field label="File" error={dataError}>
          {(control) => <input {...control} type="file" onChange={(e) => setFile(e.target.files?.[0])} />}
        </Field>
      )}
      <button type="submit" className="primary" disabled={busy || !networkReady}>
        {busy ? 'Encrypting…' : 'Encrypt'}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {result ? (
        <div data-testid="encrypted">
          <p className="ok-text">Encrypted. Anyone may hold this record; only who meets the conditions can open it.</p>
          <textarea className="mono" rows={8} readOnly value={record} aria-label="Encrypted record" />
          <p className="row">
            <a href={recordUrl} download={`${result.fileName ?? 'text'}.litbox.json`}>
              Download the record
            </a>
            <button type="button" className="link" onClick={() => void navigator.clipboard?.writeText(record)}>
              Copy
            </button>
          </p>
        </div>
      ) : null}
    </form>
  );
}

function DecryptForm({ client, networkReady }: { client: ApiClient; networkReady: boolean }) {
  const [recordText, setRecordText] = useState('');
  const [recordError, setRecordError] = useState<string>();
  const [pkps, setPkps] = useState<Pkp[]>([]);
  const [asPkp, setAsPkp] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Decrypted>();
  const [refusal, setRefusal] = useState<{ summary: string; reasons: string[] }>();
  const plainBytes = useMemo(
    () => (result ? Uint8Array.from(atob(result.dataBase64), (c) => c.charCodeAt(0)) : undefined),
    [result],
  );
  const plainUrl = useDownloadUrl(plainBytes, 'application/octet-stream');

  useEffect(() => {
    if (!networkReady) return;
    client.call('pkpList', {}).then(
      (r) => setPkps(r.pkps.filter((p) => p.owner !== 'burned')),
      () => setPkps([]),
    );
  }, [client, networkReady]);

  const decrypt = async (event: React.FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    setRefusal(undefined);
    let encrypted: unknown;
    try {
      encrypted = JSON.parse(recordText);
      if (!encrypted || typeof encrypted !== 'object') throw new Error();
      setRecordError(undefined);
    } catch {
      setRecordError('Paste the encrypted record (the JSON that Encrypt gave), or load its file.');
      return;
    }
    setBusy(true);
    try {
      setResult(
        await client.call('decrypt', {
          encrypted: encrypted as never, // the host checks it and says what is wrong
          ...(asPkp ? { pkpPublicKey: asPkp } : {}),
        }),
      );
    } catch (err) {
      setRefusal(splitReasons((err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-labelledby="decrypt-heading" onSubmit={(e) => void decrypt(e)} noValidate>
      <h2 id="decrypt-heading">Decrypt</h2>
      <Field label="Encrypted record" error={recordError}>
        {(control) => (
          <textarea
            {...control}
            className="mono"
            rows={8}
            value={recordText}
            onChange={(e) => setRecordText(e.target.value)}
            data-testid="record"
          />
        )}
      </Field>
      <Field label="…or load it from a file">
        {(control) => (
          <input
            {...control}
            type="file"
            accept=".json,application/json"
            onChange={(e) => void e.target.files?.[0]?.text().then(setRecordText)}
          />
        )}
      </Field>
      <Field label="Ask as" hint="The address the nodes check the conditions for (:userAddress).">
        {(control) => (
          <select {...control} value={asPkp} onChange={(e) => setAsPkp(e.target.value)} data-testid="decrypt-as">
            <option value="">the wallet account</option>
            {pkps.map((p) => (
              <option key={p.publicKey} value={p.publicKey}>
                PKP {p.ethAddress}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={busy || !networkReady}>
        {busy ? 'Asking the nodes…' : 'Decrypt'}
      </button>
      {refusal ? (
        <div role="alert" className="notice bad" data-testid="refusal">
          <p>
            <strong>Not decrypted:</strong> {refusal.summary}
          </p>
          {refusal.reasons.length ? (
            <ul>
              {refusal.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result ? (
        <div data-testid="decrypted">
          <p className="ok-text">
            Decrypted for {result.userAddress ?? 'you'} with the shares of nodes {result.nodes.join(', ')}.
          </p>
          {result.text !== undefined && !result.fileName ? (
            <pre className="mono" data-testid="decrypted-text">
              {result.text}
            </pre>
          ) : (
            <a href={plainUrl} download={result.fileName ?? 'decrypted.bin'}>
              Save {result.fileName ?? 'the decrypted file'}
            </a>
          )}
        </div>
      ) : null}
    </form>
  );
}
