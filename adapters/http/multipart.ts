import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { SealpostError } from '../../core/shared/errors.ts';

/** What a multipart body may hold. Every limit is enforced as the bytes arrive. */
export type MultipartLimits = {
  /** Files with a name (an empty file input sends a nameless part: it does not count). */
  maxFiles: number;
  /** Bytes of all files together. */
  maxTotalBytes: number;
  /** Bytes of one text field; a longer one is refused, never cut short. */
  maxFieldBytes: number;
  /** Text fields in all. */
  maxFields: number;
  /** Bytes of all text fields together; twice `maxFieldBytes` unless given. */
  maxTextBytes?: number;
};

/** Why an upload was refused. */
export type RefusalReason =
  | 'not-multipart'
  | 'malformed'
  | 'too-many-files'
  | 'too-large'
  | 'field-too-large'
  | 'too-many-fields';

/**
 * An upload broke a limit or was not a multipart form. A user error (400), raised the
 * moment the limit is crossed: the part that crossed it is not read any further.
 */
export class MultipartRefused extends SealpostError {
  constructor(
    readonly reason: RefusalReason,
    readonly limit: number,
  ) {
    super({
      code: 'upload_refused',
      message: 'The form could not be read: it was too large or not a form upload.',
      isPublic: true,
      status: 400,
    });
  }
}

/** A text field, decoded as UTF-8. */
export type MultipartField = { kind: 'field'; name: string; value: string };

/**
 * A file, as a stream that must be read (or left) before the next part arrives: the
 * parser holds at most a chunk or two of it, so a slow reader slows the upload instead
 * of filling memory.
 */
export type MultipartFile = {
  kind: 'file';
  /** The form field's name. */
  name: string;
  /** The file's name as the browser gave it (any path removed). */
  filename: string;
  contentType: string;
  content: ReadableStream<Uint8Array>;
};

/** One part of a multipart body, in the order the browser sent them. */
export type MultipartPart = MultipartField | MultipartFile;

type Event =
  | { type: 'part'; part: MultipartPart; file?: FileSource }
  | { type: 'refused'; error: MultipartRefused }
  | { type: 'end' };

/**
 * Reads a `multipart/form-data` body as it streams in, on @fastify/busboy: yields text
 * fields and file streams in order, never holding a whole file. Forms put their file
 * inputs last, so the text a person typed has arrived (and can be shown again) before
 * any file is read.
 *
 * Limits are checked before anything is buffered: the file after `maxFiles` is refused
 * as its headers arrive, before a byte of it is read; the byte that takes the files past
 * `maxTotalBytes` errors the file stream being read and ends the parse; a field longer
 * than `maxFieldBytes` is refused rather than cut short. A refusal is thrown from the
 * iteration (and from the current file's stream) as `MultipartRefused`, and kept in
 * `refusal`, so the caller can tell it apart from its own failures even when a
 * consumer wrapped the error. After a refusal the request body is no longer read; the
 * server discards the rest once the answer is sent.
 */
export class MultipartReader implements AsyncIterable<MultipartPart> {
  /** Set when a limit was broken, the body was not multipart, or was malformed. */
  refusal: MultipartRefused | null = null;
  /** Every text field seen so far, each with all its values in order, for re-showing a form. */
  readonly fields = new Map<string, string[]>();

  private readonly queue: Event[] = [];
  private wake: (() => void) | null = null;
  private started = false;
  private files = 0;
  private totalBytes = 0;
  private textBytes = 0;
  private current: FileSource | null = null;

  constructor(
    private readonly request: { body: ReadableStream<Uint8Array> | null; contentType: string },
    private readonly limits: MultipartLimits,
  ) {}

  /** The text values of a field (in order), or [] when it never came. */
  all(name: string): string[] {
    return this.fields.get(name) ?? [];
  }

  /** The first value of a text field, or ''. */
  get(name: string): string {
    return this.all(name)[0] ?? '';
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<MultipartPart, void, undefined> {
    if (!this.started) this.start();
    while (true) {
      // Whatever the consumer left of the previous file is skipped, not kept.
      this.current?.discard();
      const event = await this.next();
      if (event.type === 'end') return;
      if (event.type === 'refused') throw event.error;
      this.current = event.file ?? null;
      yield event.part;
    }
  }

  private next(): Promise<Event> {
    const event = this.queue.shift();
    if (event) return Promise.resolve(event);
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve(this.queue.shift() as Event);
      };
    });
  }

  private push(event: Event): void {
    this.queue.push(event);
    this.wake?.();
  }

  private refuse(reason: RefusalReason, limit: number): void {
    if (this.refusal) return;
    this.refusal = new MultipartRefused(reason, limit);
    this.current?.fail(this.refusal);
    this.push({ type: 'refused', error: this.refusal });
  }

  private start(): void {
    this.started = true;
    const { body, contentType } = this.request;
    if (!/^multipart\/form-data/i.test(contentType) || body === null) {
      this.refuse('not-multipart', 0);
      return;
    }
    let parser: InstanceType<typeof Busboy>;
    try {
      parser = new Busboy({
        headers: { 'content-type': contentType },
        limits: {
          fieldSize: this.limits.maxFieldBytes,
          fields: this.limits.maxFields,
          // Parts are bounded so a stream of empty file inputs cannot go on for ever;
          // the real file count is ours (below), as busboy counts nameless parts too.
          parts: this.limits.maxFields + this.limits.maxFiles + 20,
          fileSize: this.limits.maxTotalBytes + 1,
          headerPairs: 20,
        },
      });
    } catch {
      this.refuse('malformed', 0);
      return;
    }
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (this.refusal) return;
      if (valueTruncated) {
        this.refuse('field-too-large', this.limits.maxFieldBytes);
        return;
      }
      // Fields wait in the queue until asked for, so together they are bounded too.
      const maxText = this.limits.maxTextBytes ?? 2 * this.limits.maxFieldBytes;
      this.textBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (this.textBytes > maxText) {
        this.refuse('field-too-large', maxText);
        return;
      }
      const values = this.fields.get(name) ?? [];
      values.push(value);
      this.fields.set(name, values);
      this.push({ type: 'part', part: { kind: 'field', name, value } });
    });
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      if (this.refusal) {
        stream.resume();
        return;
      }
      if (!filename) {
        // An empty file input: nothing was chosen (busboy gives `filename=""` as undefined).
        stream.resume();
        return;
      }
      this.files += 1;
      if (this.files > this.limits.maxFiles) {
        // Refused on its headers: none of its bytes is read.
        this.refuse('too-many-files', this.limits.maxFiles);
        return;
      }
      const source = new FileSource(stream, (bytes) => {
        this.totalBytes += bytes;
        if (this.totalBytes > this.limits.maxTotalBytes) {
          this.refuse('too-large', this.limits.maxTotalBytes);
          return false;
        }
        return true;
      });
      this.push({
        type: 'part',
        file: source,
        part: {
          kind: 'file',
          name,
          filename,
          contentType: mimeType || 'application/octet-stream',
          content: source.stream,
        },
      });
    });
    parser.on('fieldsLimit', () => this.refuse('too-many-fields', this.limits.maxFields));
    parser.on('partsLimit', () => this.refuse('too-many-fields', this.limits.maxFields));
    parser.on('error', () => this.refuse('malformed', 0));
    parser.on('finish', () => {
      if (!this.refusal) this.push({ type: 'end' });
    });
    void this.pump(body, parser);
  }

  /**
   * Feeds the body into busboy one chunk at a time, waiting for each write to be taken:
   * busboy holds a write back while a file stream is not being read, so the body is
   * read only as fast as the files are consumed.
   */
  private async pump(body: ReadableStream<Uint8Array>, parser: InstanceType<typeof Busboy>) {
    const reader = body.getReader();
    try {
      while (!this.refusal) {
        const { value, done } = await reader.read();
        if (done) break;
        if (this.refusal) break;
        await new Promise<void>((resolve, reject) =>
          parser.write(toBuffer(value), (error?: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
      }
      // The rest of a refused body is left unread: the HTTP server discards it.
      if (!this.refusal) parser.end();
    } catch {
      this.refuse('malformed', 0);
    } finally {
      reader.releaseLock();
    }
  }
}

/**
 * One file part: busboy's stream, handed to the consumer as a web stream that pulls a
 * chunk at a time. Each chunk is counted (against the total) before it is passed on.
 */
class FileSource {
  readonly stream: ReadableStream<Uint8Array>;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private mode: 'reading' | 'discarding' | 'done' = 'reading';

  constructor(
    private readonly file: Readable,
    count: (bytes: number) => boolean,
  ) {
    file.pause();
    file.on('data', (chunk: Buffer) => {
      if (this.mode !== 'reading') return;
      // One chunk per read: the file flows again only when the consumer asks.
      file.pause();
      if (!count(chunk.byteLength)) return;
      this.controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    file.on('end', () => {
      if (this.mode === 'reading') this.controller?.close();
      this.mode = 'done';
    });
    file.on('error', (error) => this.fail(error));
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => {
          if (this.mode === 'reading') file.resume();
        },
        // A consumer that gives up stops the reading; the rest is skipped only if the
        // parts after this one are asked for.
        cancel: () => {
          this.controller = null;
        },
      },
      // Nothing is read ahead of the consumer.
      { highWaterMark: 0 },
    );
  }

  /** Lets the rest of the file flow past unread, so the next part can arrive. */
  discard(): void {
    if (this.mode !== 'reading') return;
    this.mode = 'discarding';
    this.file.resume();
  }

  /** Ends the consumer's stream with `error` (a broken limit). */
  fail(error: unknown): void {
    if (this.mode === 'reading') this.controller?.error(error);
    this.mode = 'done';
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
