import type { Cipher } from '../../../core/crypto/ports.ts';
import type { EncryptedValueRef, Storage } from '../../../core/storage/ports.ts';
import { progressBar } from '../progress-bar.ts';

const PAGE_SIZE = 500;
const PROGRESS_MS = 2_000;

/** What a rewrite pass over the database's encrypted values did. */
export type ValueReencryptReport = {
  /** Values looked at. */
  checked: number;
  /** Values rewritten under the current field key. */
  rewritten: number;
  /** Values that could not be rewritten (`table.column/id`), with why; left as they were. */
  failed: { id: string; reason: string }[];
};

function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/**
 * Rewrites every encrypted database value (subjects, file names, notes, drafts, TOTP
 * keys, queued mail) that is not under the current field key: the older public-key
 * format (docs/decisions/0023-field-keys.md), or a field key of an older org key. It
 * walks the values in a fixed order, printing a progress line every few seconds.
 * Resumable: a value already under the current field key is recognised from its first
 * bytes and left alone, so a run after an interruption rewrites only what is left.
 * Each new value is decrypted and compared before it is stored, and is stored only if
 * the old one is still there (a value the application changed meanwhile is newer).
 */
export async function reencryptValues(args: {
  storage: Storage;
  cipher: Cipher;
  progress: (line: string) => void;
  pageSize?: number;
}): Promise<ValueReencryptReport> {
  const { cipher, progress } = args;
  const values = args.storage.repos.encryptedValues;
  const limit = args.pageSize ?? PAGE_SIZE;
  const report: ValueReencryptReport = { checked: 0, rewritten: 0, failed: [] };
  const total = await values.count();
  const line = () =>
    `reencrypt values: ${progressBar(report.checked, total)} ${report.checked} of ${total} checked, ${report.rewritten} rewritten, ${report.failed.length} failed`;
  progress(`reencrypt values: ${total} encrypted database values to check`);
  let lastProgress = Date.now();
  let after: EncryptedValueRef | null = null;
  for (;;) {
    const page = await values.list({ after, limit });
    if (page.length === 0) break;
    for (const value of page) {
      report.checked += 1;
      const where = `${value.column}/${value.id}`;
      try {
        const { ciphertext } = value;
        if (!(await cipher.isUnderPrimaryKey({ ciphertext, of: 'value' }))) {
          const plaintext = await cipher.decryptBytes({ ciphertext });
          const fresh = await cipher.encryptBytes({ plaintext });
          if (!isSameBytes(await cipher.decryptBytes({ ciphertext: fresh }), plaintext)) {
            throw new Error('the new version does not decrypt to the same bytes');
          }
          const isStored = await values.replace({
            column: value.column,
            id: value.id,
            expected: ciphertext,
            ciphertext: fresh,
          });
          if (isStored) report.rewritten += 1;
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        report.failed.push({ id: where, reason });
        progress(`reencrypt values: ${where} left as it was: ${reason}`);
      }
      if (Date.now() - lastProgress >= PROGRESS_MS) {
        lastProgress = Date.now();
        progress(`${line()} (at ${where})`);
      }
    }
    const last = page[page.length - 1] as EncryptedValueRef;
    after = { column: last.column, id: last.id };
  }
  progress(`${line()}. Done.`);
  return report;
}
