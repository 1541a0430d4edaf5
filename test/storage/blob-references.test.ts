// Orphan clean-up deletes every old blob no row names, so a column that names blobs and
// is missing from the reference query would lose data. This fails for any such column
// (by its name: `*blob_id`) of either schema that the query does not cover.

import { getTableColumns, getTableName, is, Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BLOB_ID_COLUMNS as PG_COLUMNS } from '../../adapters/storage/postgres/repos/blob-references.ts';
import * as pgSchema from '../../adapters/storage/postgres/schema.ts';
import { BLOB_ID_COLUMNS as SQLITE_COLUMNS } from '../../adapters/storage/sqlite/repos/blob-references.ts';
import * as sqliteSchema from '../../adapters/storage/sqlite/schema.ts';

/** `table.column` for every column whose name ends in `blob_id`. */
function blobIdColumns(schema: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, Table)) continue;
    for (const column of Object.values(getTableColumns(value))) {
      if (/blob_id$/.test(column.name)) out.push(`${getTableName(value)}.${column.name}`);
    }
  }
  return out.sort();
}

const covered = (columns: Array<{ name: string; table: Table }>) =>
  columns.map((c) => `${getTableName(c.table)}.${c.name}`).sort();

describe('the blob reference query', () => {
  it('covers every column that names a blob, in both schemas', () => {
    expect(covered(SQLITE_COLUMNS)).toEqual(blobIdColumns(sqliteSchema));
    expect(covered(PG_COLUMNS)).toEqual(blobIdColumns(pgSchema));
    // Not vacuous: the columns known today are found.
    expect(blobIdColumns(sqliteSchema)).toEqual(
      expect.arrayContaining([
        'attachments.blob_id',
        'blob_deletions.blob_id',
        'messages.body_blob_id',
      ]),
    );
  });
});
