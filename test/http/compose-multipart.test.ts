import { describe, expect, it } from 'vitest';
import {
  type MultipartLimits,
  type MultipartPart,
  MultipartReader,
  MultipartRefused,
} from '../../adapters/http/multipart.ts';
import { readAll } from '../../core/shared/streams.ts';
import { lazyBytes, type Part } from './compose-harness.ts';

const LIMITS: MultipartLimits = {
  maxFiles: 3,
  maxTotalBytes: 1_000_000,
  maxFieldBytes: 1_000,
  maxFields: 20,
};
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A multipart body generated as it is read, and how much of it was read. */
function upload(parts: Part[]) {
  const boundary = 'xXxBoundaryxXx';
  const state = { pulled: 0 };
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const part of parts) {
      const isFile = 'filename' in part;
      yield encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${
          isFile ? `; filename="${part.filename}"` : ''
        }\r\n${isFile ? `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n` : ''}\r\n`,
      );
      if (!isFile) yield encoder.encode(part.value);
      else if (part.content instanceof Uint8Array) yield part.content;
      else yield* part.content();
      yield encoder.encode('\r\n');
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const source = generate();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else {
        state.pulled += next.value.byteLength;
        controller.enqueue(next.value);
      }
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, state };
}

/** Reads every part, files in full, as a list of short descriptions. */
async function describeAll(reader: MultipartReader): Promise<string[]> {
  const seen: string[] = [];
  for await (const part of reader) seen.push(await describe1(part));
  return seen;
}

async function describe1(part: MultipartPart): Promise<string> {
  if (part.kind === 'field') return `${part.name}=${part.value}`;
  const bytes = await readAll(part.content);
  return `${part.name}:${part.filename}:${part.contentType}:${bytes.byteLength}`;
}

describe('streaming multipart reader', () => {
  it('yields fields and files in order, skipping empty file inputs', async () => {
    const u = upload([
      { name: 'to', value: 'a@barnet.gov.uk' },
      { name: 'body', value: 'Dŵr – water' },
      { name: 'attachments', filename: '', content: new Uint8Array(0) },
      {
        name: 'attachments',
        filename: 'C:\\Users\\ann\\report.pdf',
        type: 'application/pdf',
        content: encoder.encode('%PDF'),
      },
      { name: 'after', value: 'late' },
    ]);
    const reader = new MultipartReader(u, LIMITS);
    expect(await describeAll(reader)).toEqual([
      'to=a@barnet.gov.uk',
      'body=Dŵr – water',
      'attachments:report.pdf:application/pdf:4',
      'after=late',
    ]);
    expect(reader.get('body')).toBe('Dŵr – water');
    expect(reader.refusal).toBeNull();
  });

  it('skips what a consumer leaves of a file when it moves on', async () => {
    const u = upload([
      { name: 'f', filename: 'one.bin', content: lazyBytes(300_000) },
      { name: 'g', filename: 'two.bin', content: encoder.encode('two') },
    ]);
    const seen: string[] = [];
    for await (const part of new MultipartReader(u, LIMITS)) {
      if (part.kind === 'file' && part.filename === 'two.bin') {
        seen.push(decoder.decode(await readAll(part.content)));
      } else if (part.kind === 'file') seen.push(part.filename);
    }
    expect(seen).toEqual(['one.bin', 'two']);
  });

  it('refuses the file after the limit on its headers, before reading any of it', async () => {
    const u = upload([
      { name: 'subject', value: 'Kept' },
      { name: 'f', filename: '1', content: encoder.encode('1') },
      { name: 'f', filename: '2', content: encoder.encode('2') },
      { name: 'f', filename: '3', content: encoder.encode('3') },
      { name: 'f', filename: '4', content: lazyBytes(5_000_000) },
    ]);
    const reader = new MultipartReader(u, LIMITS);
    const error = await describeAll(reader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultipartRefused);
    expect((error as MultipartRefused).reason).toBe('too-many-files');
    expect(reader.refusal?.reason).toBe('too-many-files');
    expect(reader.get('subject')).toBe('Kept');
    expect(u.state.pulled).toBeLessThan(200_000);
  });

  it('errors the file being read at the byte over the total, and reads no further', async () => {
    const u = upload([
      { name: 'f', filename: 'a', content: lazyBytes(600_000) },
      { name: 'f', filename: 'b', content: lazyBytes(3_000_000) },
    ]);
    const reader = new MultipartReader(u, LIMITS);
    const read: number[] = [];
    let failure: unknown = null;
    try {
      for await (const part of reader) {
        if (part.kind !== 'file') continue;
        let n = 0;
        for await (const chunk of part.content) n += chunk.byteLength;
        read.push(n);
      }
    } catch (error) {
      failure = error;
    }
    expect(read).toEqual([600_000]);
    expect(failure).toBeInstanceOf(MultipartRefused);
    expect(reader.refusal?.reason).toBe('too-large');
    expect(u.state.pulled).toBeLessThan(1_300_000);
  });

  it('refuses a field over its limit rather than cutting it short', async () => {
    const u = upload([{ name: 'body', value: 'x'.repeat(1_001) }]);
    const reader = new MultipartReader(u, LIMITS);
    await expect(describeAll(reader)).rejects.toMatchObject({ reason: 'field-too-large' });
  });

  it('bounds all the text fields together, not only each one', async () => {
    const u = upload(
      Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: 'y'.repeat(900) })),
    );
    const reader = new MultipartReader(u, { ...LIMITS, maxTextBytes: 3_000 });
    await expect(describeAll(reader)).rejects.toMatchObject({ reason: 'field-too-large' });
  });

  it('refuses too many fields, a body that is not multipart, and a broken one', async () => {
    const many = upload(Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: 'v' })));
    await expect(describeAll(new MultipartReader(many, LIMITS))).rejects.toMatchObject({
      reason: 'too-many-fields',
    });
    const plain = new MultipartReader(
      { body: new Response('a=b').body, contentType: 'application/x-www-form-urlencoded' },
      LIMITS,
    );
    await expect(describeAll(plain)).rejects.toMatchObject({ reason: 'not-multipart' });
    const broken = new MultipartReader(
      {
        body: new Response('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished')
          .body,
        contentType: 'multipart/form-data; boundary=b',
      },
      LIMITS,
    );
    await expect(describeAll(broken)).rejects.toMatchObject({ reason: 'malformed' });
  });
});
