import type { Context } from 'hono';
import type { AppEnv } from '../../env.ts';
import {
  type MultipartFile,
  type MultipartLimits,
  type MultipartPart,
  MultipartReader,
  MultipartRefused,
} from '../../multipart.ts';

/** Text fields of a submitted form, whichever way it was encoded. */
export type FormFields = {
  /** The first value of a field, or ''. */
  get(name: string): string;
  /** Every value of a field (ticked checkboxes), in order. */
  all(name: string): string[];
};

/**
 * The compose form as far as its first file: the text typed (every field comes before
 * the file inputs), the first file when there is one, and the rest of the upload still
 * unread. Nothing of any file has been read yet.
 */
export type ComposeUpload = {
  fields: FormFields;
  firstFile: MultipartFile | null;
  /** The parts after `firstFile`, to be read by the one who sends the files on. */
  rest: AsyncIterator<MultipartPart> | null;
  /** Holds the refusal if a limit is broken later, while the files stream. */
  reader: MultipartReader | null;
  /** A limit broken before the first file, or a body that could not be read. */
  refusal: MultipartRefused | null;
};

/**
 * Reads the compose form's fields from a multipart body (the normal case: the form can
 * carry files) up to its first file, or from a urlencoded one (a form without files).
 * Never Hono's `parseBody` for multipart: it would buffer every file in memory.
 */
export async function readComposeUpload(
  c: Context<AppEnv>,
  limits: MultipartLimits,
): Promise<ComposeUpload> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return {
      fields: await urlencodedFields(c),
      firstFile: null,
      rest: null,
      reader: null,
      refusal: null,
    };
  }
  const reader = new MultipartReader({ body: c.req.raw.body, contentType }, limits);
  const parts = reader[Symbol.asyncIterator]();
  const fields: FormFields = { get: (name) => reader.get(name), all: (name) => reader.all(name) };
  try {
    while (true) {
      const next = await parts.next();
      if (next.done) return { fields, firstFile: null, rest: null, reader, refusal: null };
      if (next.value.kind === 'file') {
        return { fields, firstFile: next.value, rest: parts, reader, refusal: null };
      }
    }
  } catch (error) {
    if (error instanceof MultipartRefused) {
      return { fields, firstFile: null, rest: null, reader, refusal: error };
    }
    throw error;
  }
}

/** The fields of a urlencoded form (Hono keeps the body the CSRF check already parsed). */
export async function urlencodedFields(c: Context<AppEnv>): Promise<FormFields> {
  const body = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
  const all = (name: string): string[] => {
    const value = (body as Record<string, unknown>)[name];
    const values = Array.isArray(value) ? value : [value];
    return values.filter((v): v is string => typeof v === 'string');
  };
  return { get: (name) => all(name)[0] ?? '', all };
}
