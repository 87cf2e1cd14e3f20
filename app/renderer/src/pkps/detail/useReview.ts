import { useState } from 'react';
import type { ApiOutput } from '../../../../shared/api/contract.ts';
import { ApiCallError } from '../../../../shared/api/client.ts';
import { placeFieldErrors } from '../../ui/field-errors.ts';

export type Preview = ApiOutput<'pkpTransactionPreview'>;
export type FieldErrors = Record<string, string | undefined>;

/**
 * The review-then-confirm pattern of the transaction forms: local checks first (nothing is
 * sent while any fails), then the host's preview, whose own field errors land next to the
 * fields too (`fieldOf` maps the host's field names to the form's).
 */
export function useReview(fieldOf: Record<string, string>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | undefined>();
  const [preview, setPreview] = useState<Preview | undefined>();
  const [reviewing, setReviewing] = useState(false);

  const review = async (checks: FieldErrors, ask: () => Promise<Preview>) => {
    setError(undefined);
    setPreview(undefined);
    setErrors(checks);
    if (Object.values(checks).some((e) => e !== undefined)) return;
    setReviewing(true);
    try {
      setPreview(await ask());
    } catch (err) {
      // The host names the fields as data (ApiCallError.fieldErrors); any other failure has none.
      const fieldErrors = err instanceof ApiCallError ? err.fieldErrors : [];
      const placed = placeFieldErrors(fieldErrors, (err as Error).message, fieldOf);
      setErrors(placed.fields);
      setError(placed.other);
    } finally {
      setReviewing(false);
    }
  };

  return { errors, error, preview, reviewing, review, close: () => setPreview(undefined) };
}
