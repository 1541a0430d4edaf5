import { DecryptFailed } from '../../../core/crypto/errors.ts';
import { ByteReader } from './byte-reader.ts';
import {
  type BlobKey,
  blobIdOf,
  type ChunkLabel,
  chunkHead,
  chunkPlaintext,
  integrity,
  isPkeskTag,
  isSeipdTag,
  parseOpenedChunk,
  readPacketHeader,
  SEIPD_MAX,
  SEIPD_VERSION,
} from './format.ts';
import type { ChunkWorkers } from './worker-pool.ts';

// A Sealpost PKESK is about 100 bytes; anything much bigger is not ours.
const PKESK_MAX = 2048;
// Enough bytes to read any packet header Sealpost writes.
const PEEK = 6;

/**
 * Encrypts `plaintext` into chunks under `key`. Reads the input only as the output is
 * pulled, keeping at most `workers.inFlight` chunks in flight (a few MiB), so neither
 * side is ever held whole.
 */
export function encryptChunks(args: {
  plaintext: ReadableStream<Uint8Array>;
  key: BlobKey;
  chunkSize: number;
  workers: ChunkWorkers;
}): ReadableStream<Uint8Array> {
  const { key, chunkSize, workers } = args;
  const reader = new ByteReader(args.plaintext);
  const blobId = blobIdOf(key.pkesk);
  const inFlight: Promise<Buffer[]>[] = [];
  let index = 0;
  let isInputDone = false;

  async function startNextChunk(): Promise<void> {
    // One byte past the chunk tells whether this chunk is the last.
    await reader.fill(chunkSize + 1);
    const pieces = reader.take(chunkSize);
    const isFinal = reader.isDrained;
    const plain = chunkPlaintext({ blobId, index, isFinal }, pieces, workers.allocate);
    index += 1;
    if (isFinal) isInputDone = true;
    const sealed = workers
      .seal(key.sessionKey, plain)
      .then((encrypted) => [chunkHead(key.pkesk, encrypted.byteLength), encrypted]);
    // Awaited in order below; this only keeps a failure from counting as unhandled
    // while earlier chunks are still being written out.
    sealed.catch(() => {});
    inFlight.push(sealed);
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!isInputDone && inFlight.length < workers.inFlight) await startNextChunk();
      const next = inFlight.shift();
      if (next) for (const piece of await next) controller.enqueue(piece);
      if (isInputDone && inFlight.length === 0) controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

type Opened = { label: ChunkLabel; data: Buffer };

/**
 * Decrypts chunks, releasing each one's plaintext only after its MDC verified and its
 * label matched its place: this blob, the next index, and for the last chunk, nothing
 * after it. Chunks are decrypted a few ahead, on worker threads, but released in order.
 * Resolves once the first chunk has been checked, so a wrong key or foreign data fails
 * the call itself, not a response already under way.
 */
export async function decryptChunks(args: {
  ciphertext: ReadableStream<Uint8Array>;
  unwrap: (pkesk: Buffer) => Promise<Buffer>;
  workers: ChunkWorkers;
}): Promise<ReadableStream<Uint8Array>> {
  const { unwrap, workers } = args;
  const reader = new ByteReader(args.ciphertext);
  const inFlight: Promise<Opened>[] = [];
  let parsed = 0;
  let released = 0;
  let isParseDone = false;
  let isEnded = false;
  let first: { pkesk: Buffer; sessionKey: Buffer; blobId: string } | null = null;

  /**
   * Reads the next chunk's packets and starts its decryption (wrapped, so awaiting this
   * does not wait for the decryption too); null at the end of input.
   */
  async function readNextChunk(): Promise<{ opened: Promise<Opened> } | null> {
    const isFirst = parsed === 0;
    // Before anything authenticated, a bad byte means "not our data"; after, "changed".
    const fail = (reason: string) =>
      isFirst
        ? new DecryptFailed(`Stored data is not a Sealpost OpenPGP message (${reason}).`)
        : integrity(reason);
    const truncated = () => integrity('it ends early');

    if ((await reader.fill(PEEK)) === 0) {
      if (isFirst) throw fail('empty');
      return null;
    }
    const pkeskHeader = readPacketHeader(reader.peek(PEEK), fail);
    if (!pkeskHeader) throw truncated();
    if (!isPkeskTag(pkeskHeader.tag)) throw fail('no session key packet');
    if (pkeskHeader.bodyLength > PKESK_MAX) throw fail('session key packet too long');
    const pkesk = await reader.read(pkeskHeader.headerLength + pkeskHeader.bodyLength);
    if (!pkesk) throw truncated();
    if (!first) {
      const copy = Buffer.from(pkesk);
      first = { pkesk: copy, sessionKey: await unwrap(copy), blobId: blobIdOf(copy) };
    } else if (!pkesk.equals(first.pkesk)) {
      // Every chunk of a blob carries the same session key packet.
      throw fail('chunk from another blob');
    }

    await reader.fill(PEEK + 1);
    const seipdHeader = readPacketHeader(reader.peek(PEEK), fail);
    if (!seipdHeader) throw truncated();
    if (!isSeipdTag(seipdHeader.tag)) throw fail('no encrypted data packet');
    if (seipdHeader.bodyLength < 1 || seipdHeader.bodyLength > SEIPD_MAX) {
      throw fail('bad chunk length');
    }
    const head = await reader.read(seipdHeader.headerLength + 1);
    if (!head) throw truncated();
    if (head[seipdHeader.headerLength] !== SEIPD_VERSION) throw fail('not SEIPD version 1');
    const encrypted = await reader.readOwned(seipdHeader.bodyLength - 1, workers.allocate);
    if (!encrypted) throw truncated();
    parsed += 1;
    const opened = workers.open(first.sessionKey, encrypted).then((plain) => {
      if (!plain) throw integrity('MDC mismatch');
      return parseOpenedChunk(plain);
    });
    return { opened };
  }

  async function readAhead(): Promise<void> {
    while (!isParseDone && inFlight.length < workers.inFlight) {
      let next: Promise<Opened> | null;
      try {
        next = (await readNextChunk())?.opened ?? null;
      } catch (error) {
        // Reported in order, after the chunks before it are released; nothing after
        // a broken chunk is read.
        next = Promise.reject(error);
        isParseDone = true;
      }
      if (next === null) {
        isParseDone = true;
        return;
      }
      next.catch(() => {});
      inFlight.push(next);
    }
  }

  /** The next chunk's checked plaintext. */
  async function nextData(): Promise<Buffer> {
    await readAhead();
    const next = inFlight.shift();
    if (!next) throw integrity('it ends early');
    const { label, data } = await next;
    if (label.blobId !== first?.blobId) throw integrity('chunk does not belong to this blob');
    if (label.index !== released) throw integrity('chunks out of order');
    if (label.isFinal) {
      // The last chunk is released only once nothing follows it.
      if (inFlight.length > 0 || !(await reader.isAtEnd())) {
        throw integrity('data after the last chunk');
      }
      isEnded = true;
    }
    released += 1;
    return data;
  }

  let firstData: Buffer;
  try {
    firstData = await nextData();
  } catch (error) {
    await reader.cancel(error);
    throw error;
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (firstData.byteLength > 0) controller.enqueue(firstData);
      if (isEnded) controller.close();
    },
    async pull(controller) {
      try {
        // A pull that enqueues nothing is not called again, so an empty chunk must not
        // end the pull: keep going until there is something to give, or the end.
        for (;;) {
          const data = await nextData();
          if (data.byteLength > 0) controller.enqueue(data);
          if (isEnded) {
            controller.close();
            return;
          }
          if (data.byteLength > 0) return;
        }
      } catch (error) {
        await reader.cancel(error);
        throw error;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
