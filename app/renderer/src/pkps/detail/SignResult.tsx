import { Rows } from '../../ui/Rows.tsx';

/** A signature and the address ethers recovers from it, checked against the PKP. */
export function SignResult({
  signature,
  recovered,
  expected,
  extra = [],
}: {
  signature: string;
  recovered: string;
  expected: string;
  extra?: { label: string; value: string }[];
}) {
  const matches = recovered === expected;
  return (
    <div className="card" data-testid="sign-result">
      <h2 className={matches ? 'ok-text' : 'error'} data-testid="sign-verdict">
        {matches ? 'Signed: ethers recovers the PKP’s address' : 'The signature does not recover to this PKP'}
      </h2>
      <Rows
        rows={[
          { label: 'Signature', value: signature },
          { label: 'Recovered address', value: recovered },
          { label: 'PKP address', value: expected },
          ...extra,
        ]}
      />
      <span hidden data-testid="sign-signature">
        {signature}
      </span>
      <span hidden data-testid="sign-recovered">
        {recovered}
      </span>
    </div>
  );
}
