import type { Context } from 'hono';

/** A posted form's fields as strings: '' for a field that is missing or is a file. */
export type FormFields = { get(name: string): string };

/** The urlencoded (or multipart) fields of a request; a body that cannot be read has none. */
export async function formOf(c: Context): Promise<FormFields> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return {
    get(name: string) {
      const value = (body as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : '';
    },
  };
}
