/** A stream of one chunk: for small in-memory values going through a streaming port. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Reads a whole stream into memory. Only for values known to be small. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Raised inside a stream when more bytes arrive than the limit allows. */
export class SizeLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`More than ${limit} bytes.`);
    this.name = 'SizeLimitExceeded';
  }
}

/**
 * Passes bytes through, counting them into `counter.bytes`, and errors the stream
 * with `SizeLimitExceeded` as soon as the running total (shared across streams via
 * `counter`) exceeds `limit`, so an oversized upload is cut off, not buffered.
 */
export function countingLimit(
  counter: { bytes: number },
  limit: number,
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      counter.bytes += chunk.byteLength;
      if (counter.bytes > limit) {
        controller.error(new SizeLimitExceeded(limit));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
