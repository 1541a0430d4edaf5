import { MAX_PURGE_BATCH } from '../../../core/storage/purge-repository.ts';

/** `ids` when they are at most `MAX_PURGE_BATCH` strings; a bigger batch is a bug in the caller. */
export function checkPurgeBatch(ids: unknown): string[] {
  if (
    !Array.isArray(ids) ||
    ids.length > MAX_PURGE_BATCH ||
    ids.some((id) => typeof id !== 'string')
  ) {
    throw new RangeError(`ids must be at most ${MAX_PURGE_BATCH} strings.`);
  }
  return ids;
}

/**
 * A PostgreSQL text[] literal of `values`, bound as one parameter: the statement has one
 * text whatever the batch's size, so postgres.js prepares it once per connection.
 */
export function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
