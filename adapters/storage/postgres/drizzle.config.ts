import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings for the PostgreSQL schema: `npm run db:generate` writes migrations/postgres. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './adapters/storage/postgres/schema.ts',
  out: './migrations/postgres',
});
