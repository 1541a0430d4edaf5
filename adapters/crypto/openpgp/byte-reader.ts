/**
 * Reads a byte stream in exact-sized pieces, however the producer cut it. Holds at
 * most what the last call asked for plus one piece of read-ahead.
 */
export class ByteReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private isDone = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Reads until at least `n` bytes are buffered or the stream ends; returns how many are. */
  async fill(n: number): Promise<number> {
    while (this.pendingLength < n && !this.isDone) {
      const next = await this.reader.read();
      if (next.done) {
        this.isDone = true;
        break;
      }
      const value = next.value;
      if (value.byteLength === 0) continue;
      this.pending.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      this.pendingLength += value.byteLength;
    }
    return this.pendingLength;
  }

  /** The first `n` buffered bytes (or fewer if fewer are buffered) without consuming them. */
  peek(n: number): Buffer {
    const first = this.pending[0];
    if (first && first.byteLength >= n) return first.subarray(0, n);
    return Buffer.concat(this.pending, Math.min(n, this.pendingLength)).subarray(0, n);
  }

  /** Consumes and returns exactly `n` bytes, or null if the stream ends before that. */
  async read(n: number): Promise<Buffer | null> {
    if ((await this.fill(n)) < n) return null;
    const first = this.pending[0] as Buffer;
    if (first.byteLength >= n) {
      const out = first.subarray(0, n);
      this.shift(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const piece = this.pending[0] as Buffer;
      const take = Math.min(piece.byteLength, n - at);
      piece.copy(out, at, 0, take);
      at += take;
      this.shift(take);
    }
    return out;
  }

  /**
   * Like `read`, but always a copy, into a buffer from `allocate` spanning an
   * ArrayBuffer of its own, which can go to a worker without detaching memory the
   * producer still holds.
   */
  async readOwned(n: number, allocate: (size: number) => Buffer): Promise<Buffer | null> {
    if ((await this.fill(n)) < n) return null;
    const out = allocate(n);
    let at = 0;
    while (at < n) {
      const piece = this.pending[0] as Buffer;
      const take = Math.min(piece.byteLength, n - at);
      piece.copy(out, at, 0, take);
      at += take;
      this.shift(take);
    }
    return out;
  }

  /** Consumes up to `n` buffered bytes as the pieces they arrived in, without copying. */
  take(n: number): Buffer[] {
    const out: Buffer[] = [];
    let left = Math.min(n, this.pendingLength);
    while (left > 0) {
      const piece = this.pending[0] as Buffer;
      const part = piece.byteLength <= left ? piece : piece.subarray(0, left);
      out.push(part);
      left -= part.byteLength;
      this.shift(part.byteLength);
    }
    return out;
  }

  /** True when the stream has ended and every buffered byte has been consumed. */
  get isDrained(): boolean {
    return this.isDone && this.pendingLength === 0;
  }

  /** True once every byte has been consumed and the stream has ended. */
  async isAtEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** Stops reading; the producer is told with `reason`. */
  async cancel(reason?: unknown): Promise<void> {
    this.pending = [];
    this.pendingLength = 0;
    await this.reader.cancel(reason).catch(() => {});
  }

  private shift(n: number): void {
    const first = this.pending[0] as Buffer;
    if (n === first.byteLength) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingLength -= n;
  }
}

/**
 * The first non-empty piece of `stream` (undefined if it has none), and a stream of all
 * of it, that piece included: to look at the first bytes before choosing a reader.
 */
export async function peekFirst(
  stream: ReadableStream<Uint8Array>,
): Promise<{ first: Uint8Array | undefined; rest: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  let first: Uint8Array | undefined;
  let isDone = false;
  try {
    while (!isDone && first === undefined) {
      const next = await reader.read();
      if (next.done) isDone = true;
      else if (next.value.byteLength > 0) first = next.value;
    }
  } catch (error) {
    reader.releaseLock();
    throw error;
  }
  let isFirstGiven = false;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!isFirstGiven) {
        isFirstGiven = true;
        if (first) controller.enqueue(first);
        if (isDone) controller.close();
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { first, rest };
}
