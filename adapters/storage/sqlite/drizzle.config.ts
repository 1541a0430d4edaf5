import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings for the SQLite schema: `npm run db:generate` writes migrations/sqlite. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './adapters/storage/sqlite/schema.ts',
  out: './migrations/sqlite',
});
