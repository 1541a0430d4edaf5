import { and, asc, getTableName, gt, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { EncryptedValueRepository } from '../../../../core/storage/ports.ts';
import type { SqliteContext } from '../connection.ts';
import {
  accessRequests,
  accounts,
  attachments,
  contactGroups,
  contacts,
  drafts,
  messages,
  outbox,
  sessions,
} from '../schema.ts';

type Place = { name: string; id: SQLiteColumn; value: SQLiteColumn };

const place = (id: SQLiteColumn, value: SQLiteColumn): Place => ({
  name: `${getTableName(value.table)}.${value.name}`,
  id,
  value,
});

/**
 * Every column holding `encryptBytes` output, in the order a walk visits them. A new
 * one must be added here, or `sealpost keys reencrypt` would leave it under old keys:
 * test/crypto/field-key-store.test.ts fails for any `*_enc` column missing from it.
 */
export const ENCRYPTED_COLUMNS: Place[] = [
  place(accounts.id, accounts.totpKeyEnc),
  place(messages.id, messages.subjectEnc),
  place(drafts.id, drafts.contentEnc),
  place(attachments.id, attachments.nameEnc),
  place(accessRequests.id, accessRequests.reasonEnc),
  place(contacts.id, contacts.nameEnc),
  place(contacts.id, contacts.noteEnc),
  place(contactGroups.id, contactGroups.nameEnc),
  place(outbox.id, outbox.payloadEnc),
  place(sessions.id, sessions.ssoRefreshEnc),
];

function placeOf(column: string): Place {
  const found = ENCRYPTED_COLUMNS.find((p) => p.name === column);
  if (!found) throw new Error(`${column} is not an encrypted column`);
  return found;
}

/** Every encrypted small value, in SQLite. */
export function sqliteEncryptedValues(ctx: SqliteContext): EncryptedValueRepository {
  return {
    count: () =>
      ctx.run((db) => {
        let total = 0;
        for (const { id, value } of ENCRYPTED_COLUMNS) {
          const row = db.get<{ n: number }>(
            sql`select count(*) as n from ${id.table} where ${value} is not null`,
          );
          total += row?.n ?? 0;
        }
        return total;
      }),
    list: ({ after, limit }) =>
      ctx.run((db) => {
        const out: Array<{ column: string; id: string; ciphertext: Uint8Array }> = [];
        const start = after ? ENCRYPTED_COLUMNS.indexOf(placeOf(after.column)) : 0;
        for (let at = start; at < ENCRYPTED_COLUMNS.length && out.length < limit; at++) {
          const { name, id, value } = ENCRYPTED_COLUMNS[at] as Place;
          const where: SQL | undefined =
            after && at === start ? and(isNotNull(value), gt(id, after.id)) : isNotNull(value);
          const rows = db
            .select({ id, ciphertext: value })
            .from(id.table)
            .where(where)
            .orderBy(asc(id))
            .limit(limit - out.length)
            .all() as Array<{ id: string; ciphertext: Uint8Array }>;
          for (const row of rows) out.push({ column: name, ...row });
        }
        return out;
      }),
    replace: ({ column, id, expected, ciphertext }) =>
      ctx.run((db) => {
        const { id: idColumn, value } = placeOf(column);
        // Compare-and-set: a value the application rewrote meanwhile (an edited draft,
        // a new TOTP key) is newer than ours and stays.
        const result = db.run(
          sql`update ${idColumn.table} set ${sql.identifier(value.name)} = ${sql.param(ciphertext, value)} where ${idColumn} = ${id} and ${value} = ${sql.param(expected, value)}`,
        );
        return result.changes === 1;
      }),
  };
}
