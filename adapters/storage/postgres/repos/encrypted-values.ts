import { and, asc, getTableName, gt, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { EncryptedValueRepository } from '../../../../core/storage/ports.ts';
import type { PgContext } from '../context.ts';
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

type Place = { name: string; id: PgColumn; value: PgColumn };

const place = (id: PgColumn, value: PgColumn): Place => ({
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

/** Every encrypted small value, in PostgreSQL. */
export function pgEncryptedValues(ctx: PgContext): EncryptedValueRepository {
  return {
    count: () =>
      ctx.run(async (db) => {
        const counts = ENCRYPTED_COLUMNS.map(
          ({ id, value }) => sql`(select count(*) from ${id.table} where ${value} is not null)`,
        );
        const rows = await db.execute<{ n: string }>(
          sql`select ${sql.join(counts, sql` + `)} as n`,
        );
        return Number(rows[0]?.n ?? 0);
      }),
    list: ({ after, limit }) =>
      ctx.run(async (db) => {
        const out: Array<{ column: string; id: string; ciphertext: Uint8Array }> = [];
        const start = after ? ENCRYPTED_COLUMNS.indexOf(placeOf(after.column)) : 0;
        for (let at = start; at < ENCRYPTED_COLUMNS.length && out.length < limit; at++) {
          const { name, id, value } = ENCRYPTED_COLUMNS[at] as Place;
          const where: SQL | undefined =
            after && at === start ? and(isNotNull(value), gt(id, after.id)) : isNotNull(value);
          const rows = (await db
            .select({ id, ciphertext: value })
            .from(id.table)
            .where(where)
            .orderBy(asc(id))
            .limit(limit - out.length)) as Array<{ id: string; ciphertext: Uint8Array }>;
          for (const row of rows) out.push({ column: name, ...row });
        }
        return out;
      }),
    replace: ({ column, id, expected, ciphertext }) =>
      ctx.run(async (db) => {
        const { id: idColumn, value } = placeOf(column);
        // Compare-and-set: a value the application rewrote meanwhile (an edited draft,
        // a new TOTP key) is newer than ours and stays.
        const result = await db.execute(
          sql`update ${idColumn.table} set ${sql.identifier(value.name)} = ${sql.param(ciphertext, value)} where ${idColumn} = ${id} and ${value} = ${sql.param(expected, value)}`,
        );
        return result.count === 1;
      }),
  };
}
