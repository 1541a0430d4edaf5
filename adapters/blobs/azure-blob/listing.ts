import type { ContainerClient } from '@azure/storage-blob';

/** One committed blob as a listing shows it. */
export type Listed = { id: string; lastModified: Date };

/** One request of the whole container's listing, remembered for the next page. */
type Seen = {
  /** The token it began from; undefined for the container's start. */
  start: string | undefined;
  firstId: string;
  lastId: string;
  count: number;
  /** The token after it; undefined when it reached the end. */
  next: string | undefined;
  at: number;
};

// Every character an id may hold, in code-unit order: the order Azure lists names in
// (UTF-8 byte order, which is code-unit order for these ASCII characters) and the
// order the port asks for (Array.prototype.sort).
const ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
// Below this depth a prefix covers too many blobs to read and skip: it is split into
// one listing per next character instead (see `namesAfter`).
const SPLIT_DEPTH = 2;
// Azure returns at most 5,000 names per request.
const MAX_PAGE = 5_000;
// Requests remembered for the next page of a walk: few, and for a few minutes only.
const CURSORS = 32;
const CURSOR_MS = 10 * 60_000;

/**
 * Committed blobs in ascending id order after any `after`, a page at a time. Azure's
 * continuation token is opaque, so "after this id" cannot be asked for directly. Two
 * ways answer it:
 *
 * - A walk (backup, orphan clean-up, `allBlobIds`) passes an id it was just given:
 *   the last of its page, or one in the middle when `withInlineBlobs` merged the page
 *   with database rows. The last few requests are remembered for a few minutes (the
 *   token each began from, its first and last id, the token after it), so the next
 *   page is read from the token after `after`, or from the start of the request that
 *   held it, skipping what it already gave: one request, as on the other stores, and
 *   fresh. A blob added between two pages of a walk, before the point a token resumes
 *   from, is not seen by that walk: the port allows that (core/blobs/all-ids.ts).
 * - Any other `after` is answered from prefixes: names that extend `after`, then for
 *   each shorter prefix of `after`, names whose next character sorts after its own.
 *   Deep prefixes are listed whole and filtered; shallow ones (which would cover most
 *   of the container) are split into one listing per next character. Correct for any
 *   `after`, at the cost of dozens of requests (about 75 a page in the tests) rather
 *   than one: fine for the rare walk resumed in a new process, not for every page.
 */
export function orderedListing(container: ContainerClient, isId: (name: string) => boolean) {
  // What recent requests of the whole container returned: where each began (a token,
  // or the start), its first and last id, how many, and the token after it.
  const seen: Seen[] = [];

  function remember(entry: Seen): void {
    seen.push(entry);
    if (seen.length > CURSORS) seen.shift();
  }

  /**
   * Where to read from to list after `after`, from a request made recently: right after
   * it when `after` was its last id, else its start, skipping what it held up to
   * `after`. Null when no such request is known.
   */
  function resumeFrom(after: string): { token: string | undefined; skip: number } | null {
    const now = Date.now();
    for (let i = seen.length - 1; i >= 0; i--) {
      const s = seen[i] as Seen;
      if (now - s.at >= CURSOR_MS) continue;
      // A request from the container's start holds everything before its last id.
      if (s.firstId > after && s.start !== undefined) continue;
      if (after === s.lastId && s.next) return { token: s.next, skip: 0 };
      if (after < s.lastId || !s.next) return { token: s.start, skip: s.count };
    }
    return null;
  }

  /** One request: committed blobs under `prefix` from `token`, at most `max`. */
  async function segment(prefix: string, token: string | undefined, max: number) {
    const pages = container.listBlobsFlat(prefix === '' ? {} : { prefix }).byPage({
      maxPageSize: Math.min(max, MAX_PAGE),
      ...(token ? { continuationToken: token } : {}),
    });
    const { value } = await pages.next();
    const items: Listed[] = [];
    // Names no put could have made (another tool's files) are not blobs of this store.
    for (const item of value?.segment.blobItems ?? []) {
      if (isId(item.name))
        items.push({ id: item.name, lastModified: item.properties.lastModified });
    }
    const next = value?.continuationToken || undefined;
    const first = items[0];
    const last = items[items.length - 1];
    if (prefix === '' && first && last) {
      remember({
        start: token,
        firstId: first.id,
        lastId: last.id,
        count: items.length,
        next,
        at: Date.now(),
      });
    }
    return { items, next };
  }

  /**
   * Up to `limit` ids after `after`, read straight through the container from `token`
   * (its start when undefined); the first request also takes the `skip` ids it will
   * pass over before `after`.
   */
  async function fromToken(
    token: string | undefined,
    after: string | undefined,
    limit: number,
    skip: number,
  ): Promise<Listed[]> {
    const out: Listed[] = [];
    let next = token;
    let extra = skip;
    do {
      const page = await segment('', next, limit - out.length + extra);
      extra = 0;
      for (const item of page.items) {
        if ((after === undefined || item.id > after) && out.length < limit) out.push(item);
      }
      next = page.next;
    } while (out.length < limit && next);
    return out;
  }

  async function* under(prefix: string, keep: (name: string) => boolean, pageSize: number) {
    let token: string | undefined;
    do {
      const page = await segment(prefix, token, pageSize);
      for (const item of page.items) if (keep(item.id)) yield item;
      token = page.next;
    } while (token);
  }

  async function* namesAfter(after: string, pageSize: number): AsyncGenerator<Listed> {
    yield* under(after, (name) => name !== after, pageSize);
    for (let k = after.length - 1; k >= 0; k--) {
      const prefix = after.slice(0, k);
      const own = after[k] as string;
      if (k >= SPLIT_DEPTH) {
        yield* under(prefix, (name) => name.length > k && (name[k] as string) > own, pageSize);
      } else {
        for (const next of ALPHABET) {
          if (next > own) yield* under(prefix + next, () => true, pageSize);
        }
      }
    }
  }

  return {
    /** Committed blobs after `after` in ascending order, at most `limit` (checked by the caller). */
    async page(after: string | undefined, limit: number): Promise<Listed[]> {
      if (after === undefined) return fromToken(undefined, undefined, limit, 0);
      const resume = resumeFrom(after);
      if (resume) return fromToken(resume.token, after, limit, resume.skip);
      const out: Listed[] = [];
      for await (const item of namesAfter(after, Math.min(limit, MAX_PAGE))) {
        out.push(item);
        if (out.length === limit) break;
      }
      return out;
    },
  };
}
