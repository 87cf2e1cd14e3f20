/** Label/value rows, the way wallets show what is about to be signed. */
export function Rows({ rows, testId }: { rows: { label: string; value: string }[]; testId?: string }) {
  return (
    <dl className="rows" data-testid={testId}>
      {rows.map((row, i) => (
        <div key={`${row.label}-${i}`} style={{ display: 'contents' }} data-testid="row" data-label={row.label.trim()}>
          <dt>{row.label}</dt>
          <dd className={/^0x[0-9a-fA-F]+/.test(row.value) ? 'mono' : undefined}>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}
