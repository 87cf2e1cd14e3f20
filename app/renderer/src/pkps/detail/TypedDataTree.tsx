/**
 * Typed data as a nested tree, the way MetaMask shows it: each struct indented under its field
 * name. Each leaf keeps its dotted path (data-label="message.from.name") for tests and tools.
 */
export function TypedDataTree({ value, path }: { value: unknown; path: string }) {
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [`[${i}]`, item])
    : Object.entries(value as Record<string, unknown>);
  return (
    <dl className="tree">
      {entries.map(([key, item]) => {
        const childPath = key.startsWith('[') ? `${path}${key}` : `${path}.${key}`;
        const nested = typeof item === 'object' && item !== null;
        return nested ? (
          <div key={key} className="tree-group">
            <dt>{key}</dt>
            <dd>
              <TypedDataTree value={item} path={childPath} />
            </dd>
          </div>
        ) : (
          <div key={key} className="tree-leaf" data-testid="row" data-label={childPath}>
            <dt>{key}</dt>
            <dd className={/^0x[0-9a-fA-F]+/.test(String(item)) ? 'mono' : undefined}>{String(item)}</dd>
          </div>
        );
      })}
    </dl>
  );
}
