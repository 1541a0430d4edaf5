import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../core/blobs/ports.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';

const encoder = new TextEncoder();
const text = (value: string) => encoder.encode(value);

/** Deterministic pseudo-random bytes, so a test can regenerate what it stored. */
export function patternBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // xorshift32: cheap, and not a repeating pattern a bug could line up with.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** A stream of `bytes` cut into pieces of the given sizes (cycled), ending normally. */
export function streamInPieces(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) {
        controller.close();
        return;
      }
      const size = sizes[turn++ % sizes.length] as number;
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

function failingStream(first: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(first);
        return;
      }
      controller.error(new Error('upload interrupted'));
    },
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Hex SHA-256 of some bytes: compares big values far faster than a deep equality. */
export function digestOf(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : sha256(bytes);
}

async function getBytes(store: BlobStore, id: string): Promise<Uint8Array | null> {
  const stream = await store.get({ id });
  return stream ? readAll(stream) : null;
}

async function listAll(store: BlobStore, limit: number): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(after === undefined ? { limit } : { after, limit });
    expect(page.length).toBeLessThanOrEqual(limit);
    out.push(...page);
    if (page.length < limit) return out;
    after = page[page.length - 1];
  }
}

/** A pausable body: sends `first`, then waits for `finish()` before ending. */
function heldStream(first: Uint8Array): {
  body: ReadableStream<Uint8Array>;
  finish: () => void;
} {
  let finish = () => {};
  const released = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(first);
        return;
      }
      await released;
      controller.close();
    },
  });
  return { body, finish };
}

/**
 * What a put killed half way leaves in this store (a temporary file, chunks no blob
 * names), last written at `at`. Each adapter does it its own way, beneath the port.
 */
export type AbandonPut = (args: { id: string; at: Date }) => Promise<void>;

/**
 * The BlobStore contract (core/blobs/ports.ts). Every adapter, and any in-memory fake
 * core tests use, runs it. `makeStore` returns a new, empty store each time, and may
 * give `abandonPut` to leave what a killed put leaves, for `sweepUnfinished`.
 *
 * Besides the port's doc comments, the contract fixes two things the port leaves
 * implicit: "ascending order" is plain code-unit order (`Array.prototype.sort`), and
 * ids outside `[A-Za-z0-9_-]` are refused with a thrown error, since an id may end up
 * in a path or an object key. Times are compared to the system clock with a second's
 * slack: file systems keep modification times to a second or better.
 */
export function blobStoreContract(
  name: string,
  makeStore: () => Promise<BlobStore>,
  options: { abandonPut?: (store: BlobStore) => AbandonPut } = {},
): void {
  describe(`BlobStore contract: ${name}`, () => {
    it('lists with listStored what list lists, with when each was stored', async () => {
      const store = await makeStore();
      const ids = ['b', 'a2', 'Zed', '0-1', 'a_', 'a-', 'ab', 'a', 'z9', '_x', 'aa', 'A1', '9'];
      const start = Date.now() - 1000;
      for (const id of ids) await store.put({ id, body: streamOf(text(id)) });
      const end = Date.now() + 1000;
      const sorted = [...ids].sort();
      const all = await store.listStored({ limit: 100 });
      expect(all.map((b) => b.id)).toEqual(sorted);
      for (const blob of all) {
        expect(blob.storedAt).toBeInstanceOf(Date);
        expect(blob.storedAt.getTime()).toBeGreaterThanOrEqual(start);
        expect(blob.storedAt.getTime()).toBeLessThanOrEqual(end);
      }
      expect((await store.listStored({ after: 'a3', limit: 2 })).map((b) => b.id)).toEqual(
        sorted.filter((i) => i > 'a3').slice(0, 2),
      );
      for (const limit of [1, 2, 5, 13]) {
        const out: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listStored(after === undefined ? { limit } : { after, limit });
          expect(page.length).toBeLessThanOrEqual(limit);
          out.push(...page.map((b) => b.id));
          if (page.length < limit) break;
          after = page[page.length - 1]?.id;
        }
        expect(out).toEqual(sorted);
      }
      await store.delete({ id: 'a' });
      expect((await store.listStored({ limit: 100 })).map((b) => b.id)).toEqual(
        sorted.filter((i) => i !== 'a'),
      );
      await expect(store.listStored({ limit: 0 })).rejects.toThrow();
      expect(await (await makeStore()).listStored({ limit: 10 })).toEqual([]);
    });

    it('dates a replaced blob from its new version', async () => {
      const store = await makeStore();
      await store.put({ id: 'again', body: streamOf(text('one')) });
      const [first] = await store.listStored({ limit: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.put({ id: 'again', body: streamOf(text('two')) });
      const [second] = await store.listStored({ limit: 1 });
      expect(second?.id).toBe('again');
      expect(second?.storedAt.getTime()).toBeGreaterThanOrEqual(first?.storedAt.getTime() ?? 0);
    });

    it('sweepUnfinished never touches a stored blob, nor a put still under way', async () => {
      const store = await makeStore();
      await store.put({ id: 'done', body: streamOf(patternBytes(5000)) });
      const running = heldStream(patternBytes(3000, 4));
      const put = store.put({ id: 'running', body: running.body });
      // Let the put write its first piece before the sweep.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.sweepUnfinished({ before: new Date(Date.now() - 60_000) })).toBe(0);
      running.finish();
      expect(await put).toEqual({ size: 3000 });
      expect(digestOf(await getBytes(store, 'running'))).toBe(sha256(patternBytes(3000, 4)));
      // Once every put has finished, nothing is unfinished, however late `before` is.
      expect(await store.sweepUnfinished({ before: new Date(Date.now() + 3_600_000) })).toBe(0);
      expect(digestOf(await getBytes(store, 'done'))).toBe(sha256(patternBytes(5000)));
      expect(await store.list({ limit: 10 })).toEqual(['done', 'running']);
    });

    if (options.abandonPut) {
      const abandonFor = options.abandonPut;
      it('sweepUnfinished removes what a killed put left, once last written before `before`', async () => {
        const store = await makeStore();
        const abandon = abandonFor(store);
        const now = Date.now();
        await store.put({ id: 'kept', body: streamOf(text('kept')) });
        await abandon({ id: 'dead-old', at: new Date(now - 2 * 3_600_000) });
        await abandon({ id: 'kept', at: new Date(now - 2 * 3_600_000) });
        await abandon({ id: 'dead-new', at: new Date(now - 60_000) });
        // Leftovers are no blobs: not listed, not readable.
        expect(await store.list({ limit: 10 })).toEqual(['kept']);
        expect((await store.listStored({ limit: 10 })).map((b) => b.id)).toEqual(['kept']);
        expect(await store.get({ id: 'dead-old' })).toBeNull();
        expect(await store.sweepUnfinished({ before: new Date(now - 3 * 3_600_000) })).toBe(0);
        expect(await store.sweepUnfinished({ before: new Date(now - 3_600_000) })).toBe(2);
        expect(await store.sweepUnfinished({ before: new Date(now - 3_600_000) })).toBe(0);
        expect(await store.sweepUnfinished({ before: new Date(now) })).toBe(1);
        expect(await getBytes(store, 'kept')).toEqual(text('kept'));
        expect(await store.list({ limit: 10 })).toEqual(['kept']);
      });
    }

    it('gives back what was put, and says how many bytes it stored', async () => {
      const store = await makeStore();
      const body = patternBytes(10_000);
      expect(await store.put({ id: 'blob-1', body: streamOf(body) })).toEqual({ size: 10_000 });
      expect(digestOf(await getBytes(store, 'blob-1'))).toBe(sha256(body));
    });

    it('stores an empty blob as empty, not as missing', async () => {
      const store = await makeStore();
      expect(await store.put({ id: 'empty', body: streamOf(new Uint8Array(0)) })).toEqual({
        size: 0,
      });
      expect(await getBytes(store, 'empty')).toEqual(new Uint8Array(0));
      expect(await store.list({ limit: 10 })).toEqual(['empty']);
    });

    it('replaces a blob put again under the same id', async () => {
      const store = await makeStore();
      await store.put({ id: 'same', body: streamOf(text('first version, longer than the next')) });
      expect(await store.put({ id: 'same', body: streamOf(text('second')) })).toEqual({
        size: 6,
      });
      expect(await getBytes(store, 'same')).toEqual(text('second'));
      expect(await store.list({ limit: 10 })).toEqual(['same']);
    });

    it('answers null for a blob that does not exist', async () => {
      const store = await makeStore();
      expect(await store.get({ id: 'never-put' })).toBeNull();
    });

    it('deletes for good, and deleting a missing blob is not an error', async () => {
      const store = await makeStore();
      await store.put({ id: 'doomed', body: streamOf(text('x')) });
      await store.delete({ id: 'doomed' });
      expect(await store.get({ id: 'doomed' })).toBeNull();
      expect(await store.list({ limit: 10 })).toEqual([]);
      await expect(store.delete({ id: 'doomed' })).resolves.toBeUndefined();
      await expect(store.delete({ id: 'never-put' })).resolves.toBeUndefined();
    });

    it('deletes many at once, leaving the others, and missing ones are not an error', async () => {
      const store = await makeStore();
      const ids = Array.from({ length: 30 }, (_, i) => `many-${i}`);
      for (const id of ids) await store.put({ id, body: streamOf(text(id)) });
      const doomed = ids.filter((_, i) => i % 3 !== 0);
      await store.deleteMany({ ids: [...doomed, 'never-put', doomed[0] as string] });
      for (const id of doomed) expect(await store.get({ id })).toBeNull();
      const kept = ids.filter((_, i) => i % 3 === 0);
      expect(await store.list({ limit: 100 })).toEqual([...kept].sort());
      expect(
        await readAll((await store.get({ id: 'many-3' })) as ReadableStream<Uint8Array>),
      ).toEqual(text('many-3'));
      await expect(store.deleteMany({ ids: doomed })).resolves.toBeUndefined();
      await expect(store.deleteMany({ ids: [] })).resolves.toBeUndefined();
    });

    it('lists ids in ascending order, after `after`, at most `limit` at a time', async () => {
      const store = await makeStore();
      const ids = ['b', 'a2', 'Zed', '0-1', 'a_', 'a-', 'ab', 'a', 'z9', '_x', 'aa', 'A1', '9'];
      for (const id of ids) await store.put({ id, body: streamOf(text(id)) });
      const sorted = [...ids].sort();
      expect(await store.list({ limit: 100 })).toEqual(sorted);
      expect(await store.list({ limit: 3 })).toEqual(sorted.slice(0, 3));
      expect(await store.list({ after: 'a', limit: 100 })).toEqual(sorted.filter((i) => i > 'a'));
      // `after` need not be a stored id.
      expect(await store.list({ after: 'a3', limit: 2 })).toEqual(
        sorted.filter((i) => i > 'a3').slice(0, 2),
      );
      expect(await store.list({ after: sorted[sorted.length - 1], limit: 5 })).toEqual([]);
      for (const limit of [1, 2, 5, 13, 50]) expect(await listAll(store, limit)).toEqual(sorted);
    });

    it('lists nothing for an empty store', async () => {
      const store = await makeStore();
      expect(await store.list({ limit: 10 })).toEqual([]);
    });

    it('streams both ways: many small pieces in, the same bytes out', async () => {
      const store = await makeStore();
      const body = patternBytes(3 * 1024 * 1024 + 17, 7);
      const { size } = await store.put({
        id: 'big',
        body: streamInPieces(body, [1, 7, 4096, 65_536, 100_003]),
      });
      expect(size).toBe(body.byteLength);
      const stream = await store.get({ id: 'big' });
      if (!stream) throw new Error('missing');
      let pieces = 0;
      const hash = createHash('sha256');
      for await (const piece of stream) {
        pieces += 1;
        hash.update(piece);
      }
      expect(hash.digest('hex')).toBe(sha256(body));
      expect(pieces).toBeGreaterThan(1);
    });

    it('keeps the previous version when a put fails part-way', async () => {
      const store = await makeStore();
      await store.put({ id: 'kept', body: streamOf(text('good')) });
      await expect(
        store.put({ id: 'kept', body: failingStream(text('bad, partial')) }),
      ).rejects.toThrow('upload interrupted');
      expect(await getBytes(store, 'kept')).toEqual(text('good'));
      await expect(
        store.put({ id: 'new', body: failingStream(text('partial')) }),
      ).rejects.toThrow();
      expect(await store.get({ id: 'new' })).toBeNull();
      expect(await store.list({ limit: 10 })).toEqual(['kept']);
    });

    it('keeps two blobs apart, and concurrent puts of one id leave one whole version', async () => {
      const store = await makeStore();
      const a = patternBytes(200_000, 1);
      const b = patternBytes(300_000, 2);
      await Promise.all([
        store.put({ id: 'one', body: streamInPieces(a, [4096]) }),
        store.put({ id: 'two', body: streamInPieces(b, [5000]) }),
        store.put({ id: 'race', body: streamInPieces(a, [4096]) }),
        store.put({ id: 'race', body: streamInPieces(b, [3000]) }),
      ]);
      expect(digestOf(await getBytes(store, 'one'))).toBe(sha256(a));
      expect(digestOf(await getBytes(store, 'two'))).toBe(sha256(b));
      const race = sha256((await getBytes(store, 'race')) as Uint8Array);
      expect([sha256(a), sha256(b)]).toContain(race);
    });

    it('refuses ids that could name a path or anything but one blob', async () => {
      const store = await makeStore();
      for (const id of [
        '',
        '../escape',
        'a/b',
        'a\\b',
        '.hidden',
        'a.b',
        'x y',
        '\u00e9t\u00e9',
        'a\0',
      ]) {
        await expect(store.put({ id, body: streamOf(text('x')) })).rejects.toThrow();
        await expect(store.get({ id })).rejects.toThrow();
        await expect(store.delete({ id })).rejects.toThrow();
        await expect(store.deleteMany({ ids: [id] })).rejects.toThrow();
      }
      expect(await store.list({ limit: 10 })).toEqual([]);
    });
  });
}
