import type { Cipher } from '../crypto/ports.ts';
import type { Clock } from '../shared/ports.ts';
import type { OutboxRepository } from '../storage/ports.ts';
import { hasExhaustedRetries, type RetryPolicy, retryDelayMs } from './backoff.ts';
import {
  asMailFailure,
  encodeMailFailure,
  type MailFailure,
  mailFailure,
  oneLine,
} from './failure.ts';
import type { MailContent, OutboxMail } from './model.ts';
import { readOutboxMail } from './outbox.ts';
import type { Mailer, SendResult } from './ports.ts';

/**
 * Where the worker reports what it did. A structural subset of the project's pino
 * logger, so the core needs no logging package. Fields never include the recipient
 * or any of the mail's content.
 */
export type OutboxLogger = {
  /** Routine progress. */
  info(fields: Record<string, unknown>, message: string): void;
  /** A mail that failed an attempt or was given up. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** The worker itself failed (the database is away, the transport threw). */
  error(fields: Record<string, unknown>, message: string): void;
};

/** What one pass of the worker needs. */
export type OutboxWorkerDeps = {
  /** Only the outbox repository is used; any `Storage` fits. */
  storage: { repos: { outbox: OutboxRepository } };
  cipher: Cipher;
  mailer: Mailer;
  clock: Clock;
  logger?: OutboxLogger;
  /** At most this many mails per pass. */
  limit: number;
  /**
   * How long a claimed mail stays ours. Must comfortably exceed the transport's
   * worst-case time for one send: once a lease runs out another worker may claim the
   * mail and send it again. A pass stops sending at half the lease and hands the
   * rest back, so a slow batch never outlives its lease.
   */
  leaseMs: number;
  /** Spacing of retries; `DEFAULT_RETRY` when absent. */
  retry?: RetryPolicy;
  /** A number in [0, 1) for retry jitter; `Math.random` when absent. */
  random?: () => number;
  /**
   * Called after a mail is recorded as sent (for example to mark a delivery notified).
   * Its failure is logged and changes nothing about the mail, which has gone.
   */
  afterSent?: (mail: OutboxMail) => Promise<void>;
};

/** What one pass did. */
export type OutboxRunResult = {
  /** Mails taken from the outbox in this pass. */
  claimed: number;
  /** Accepted by the transport and marked sent. */
  sent: number;
  /** Failed for now and scheduled again. */
  retried: number;
  /** Given up: a permanent failure, or too many attempts. */
  failed: number;
  /** Claimed but handed back unsent because the pass ran past half its lease. */
  released: number;
};

// Names the transport sets itself. A second copy from `headers` would be ambiguous
// to receivers, and a `Bcc` or `To` here could address someone the outbox row does not name.
const RESERVED_HEADERS = new Set([
  'bcc',
  'cc',
  'content-transfer-encoding',
  'content-type',
  'date',
  'dkim-signature',
  'from',
  'message-id',
  'mime-version',
  'received',
  'return-path',
  'sender',
  'subject',
  'to',
]);

// RFC 5322 field names: printable US-ASCII except the colon.
const HEADER_NAME = /^[!-9;-~]+$/;
// One bare address: anything that could make a list or a display name is refused.
const SINGLE_ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
const LINE_BREAK = /[\r\n]/;

/**
 * Why `mail` must not be sent, or null when it is safe. CR or LF in a header value
 * or the subject would let whoever controlled that text add headers of their own
 * (another recipient, a forged sender), so such a mail is refused, never cleaned up.
 */
export function findUnsafeHeader(mail: MailContent): MailFailure | null {
  if (LINE_BREAK.test(mail.subject)) return { code: 'subject-line-break' };
  if (!SINGLE_ADDRESS.test(mail.to)) return { code: 'recipient-not-plain' };
  for (const [name, value] of Object.entries(mail.headers)) {
    if (!HEADER_NAME.test(name)) return { code: 'header-name-invalid' };
    if (RESERVED_HEADERS.has(name.toLowerCase())) return mailFailure('header-reserved', name);
    if (LINE_BREAK.test(value)) return mailFailure('header-line-break', name);
  }
  return null;
}

/**
 * Text from outside (a server's reply, an error's message) cut to one line of plain
 * text of at most 200 characters, fit to store; '' when there is none.
 */
export function shortError(text: string): string {
  return oneLine(text);
}

function isMailContent(value: unknown): value is MailContent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const headers = v.headers;
  return (
    typeof v.to === 'string' &&
    typeof v.subject === 'string' &&
    typeof v.text === 'string' &&
    (v.html === null || typeof v.html === 'string') &&
    typeof headers === 'object' &&
    headers !== null &&
    Object.values(headers).every((h) => typeof h === 'string')
  );
}

type Opened = { ok: true; mail: MailContent } | { ok: false; result: SendResult };

async function openPayload(deps: OutboxWorkerDeps, row: OutboxMail): Promise<Opened> {
  let content: unknown;
  try {
    content = await readOutboxMail({ cipher: deps.cipher }, row);
  } catch (error) {
    // Tampered or unparseable data will not improve with time; a missing key or a
    // keyring that fails to load might be fixed by the admin, so that is retried.
    const code = (error as { code?: unknown }).code;
    if (code === 'integrity_failed' || error instanceof SyntaxError) {
      return {
        ok: false,
        result: { ok: false, permanent: true, error: { code: 'stored-damaged' } },
      };
    }
    return {
      ok: false,
      result: { ok: false, permanent: false, error: { code: 'stored-undecryptable' } },
    };
  }
  if (!isMailContent(content)) {
    return {
      ok: false,
      result: { ok: false, permanent: true, error: { code: 'stored-malformed' } },
    };
  }
  return { ok: true, mail: content };
}

async function attempt(deps: OutboxWorkerDeps, row: OutboxMail): Promise<SendResult> {
  const opened = await openPayload(deps, row);
  if (!opened.ok) return opened.result;
  const unsafe = findUnsafeHeader(opened.mail);
  if (unsafe) return { ok: false, permanent: true, error: unsafe };
  try {
    return await deps.mailer.send({ id: row.id, mail: opened.mail });
  } catch (error) {
    // A Mailer reports failures as values; a throw is a bug or an unexpected state
    // of the transport, so it is retried like any temporary failure and logged in full.
    deps.logger?.error({ err: error, outboxId: row.id }, 'mail transport threw');
    return { ok: false, permanent: false, error: { code: 'transport-threw' } };
  }
}

/** The row after one attempt, and which count it adds to. */
function afterAttempt(
  deps: OutboxWorkerDeps,
  row: OutboxMail,
  result: SendResult,
  now: Date,
): { mail: OutboxMail; outcome: 'sent' | 'retried' | 'failed' } {
  const attempts = row.attempts + 1;
  if (result.ok) {
    return {
      mail: { ...row, status: 'sent', attempts, sentAt: now, leaseUntil: null, lastError: null },
      outcome: 'sent',
    };
  }
  // Stored as a code (with the server's words as data): the admin's page words it.
  const failure = asMailFailure(result.error);
  const error = encodeMailFailure(failure);
  if (result.permanent) {
    return {
      mail: { ...row, status: 'failed', attempts, leaseUntil: null, lastError: error },
      outcome: 'failed',
    };
  }
  if (hasExhaustedRetries({ attempts, policy: deps.retry })) {
    return {
      mail: {
        ...row,
        status: 'failed',
        attempts,
        leaseUntil: null,
        lastError: encodeMailFailure({ code: 'gave-up', attempts, last: failure }),
      },
      outcome: 'failed',
    };
  }
  const delay = retryDelayMs({ attempts, policy: deps.retry, random: deps.random });
  return {
    mail: {
      ...row,
      status: 'pending',
      attempts,
      nextAttemptAt: new Date(now.getTime() + delay),
      leaseUntil: null,
      lastError: error,
    },
    outcome: 'retried',
  };
}

/**
 * One pass of the outbox: claims due mails under a lease, decrypts each, sends it,
 * and records the outcome at once, one mail at a time, so that a crash can only
 * repeat the one mail whose send was in flight (see docs/decisions/0009).
 * Storage errors are thrown; everything about a single mail is recorded on its row.
 */
export async function runOutboxOnce(deps: OutboxWorkerDeps): Promise<OutboxRunResult> {
  if (!Number.isInteger(deps.limit) || deps.limit < 1) {
    throw new RangeError('runOutboxOnce: limit must be a whole number of at least 1.');
  }
  if (!Number.isFinite(deps.leaseMs) || deps.leaseMs < 1) {
    throw new RangeError('runOutboxOnce: leaseMs must be a positive number of milliseconds.');
  }
  const outbox = deps.storage.repos.outbox;
  const claimedAt = deps.clock.now();
  const leaseUntil = new Date(claimedAt.getTime() + deps.leaseMs);
  const claimed = await outbox.claimDue({ now: claimedAt, leaseUntil, limit: deps.limit });
  const result: OutboxRunResult = {
    claimed: claimed.length,
    sent: 0,
    retried: 0,
    failed: 0,
    released: 0,
  };
  const handBackAfter = claimedAt.getTime() + deps.leaseMs / 2;

  for (const row of claimed) {
    const startedAt = deps.clock.now();
    if (startedAt.getTime() >= handBackAfter) {
      // The lease is still ours, so nobody else holds this row: hand it back now
      // rather than risk a send that outlives the lease and races a second worker.
      await outbox.update({
        mail: { ...row, status: 'pending', nextAttemptAt: startedAt, leaseUntil: null },
      });
      result.released++;
      continue;
    }
    const sendResult = await attempt(deps, row);
    const now = deps.clock.now();
    const { mail, outcome } = afterAttempt(deps, row, sendResult, now);
    // Recorded before the next send: the window in which a crash repeats a mail is
    // this one update, not the whole batch.
    await outbox.update({ mail });
    result[outcome]++;
    if (outcome === 'sent' && deps.afterSent) {
      await deps.afterSent(mail).catch((error: unknown) => {
        deps.logger?.error({ err: error, outboxId: row.id }, 'after-send step failed');
      });
    }
    if (now.getTime() > leaseUntil.getTime()) {
      deps.logger?.warn(
        { outboxId: row.id, leaseMs: deps.leaseMs },
        'an outbox send outlasted its lease; another worker may have sent it too',
      );
    }
    if (outcome !== 'sent') {
      deps.logger?.warn(
        {
          outboxId: row.id,
          kind: row.kind,
          attempts: mail.attempts,
          status: mail.status,
          nextAttemptAt: mail.status === 'pending' ? mail.nextAttemptAt.toISOString() : undefined,
          error: mail.lastError,
        },
        outcome === 'failed' ? 'outbox mail failed for good' : 'outbox mail will be retried',
      );
    }
  }
  if (result.claimed > 0) {
    deps.logger?.info({ ...result }, 'outbox pass finished');
  }
  return result;
}

/** A running outbox poller. */
export type OutboxWorker = {
  /** Runs a pass as soon as possible (after a send, so a notification leaves at once). */
  nudge(): void;
  /** Stops polling and resolves once the pass in flight, if any, has finished. */
  stop(): Promise<void>;
};

/**
 * Polls the outbox every `intervalMs` (5 s by default), at once again when a pass
 * was full, and when nudged. Several workers, in one process or on several nodes,
 * may run against one database: the leases of `claimDue` keep them apart. The
 * worker does not close the mailer; whoever built it does.
 */
export function startOutboxWorker(deps: OutboxWorkerDeps & { intervalMs?: number }): OutboxWorker {
  const intervalMs = deps.intervalMs ?? 5_000;
  if (!Number.isFinite(intervalMs) || intervalMs < 1) {
    throw new RangeError('startOutboxWorker: intervalMs must be a positive number.');
  }
  let stopped = false;
  let nudged = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let wake: (() => void) | null = null;

  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        wake = null;
        resolve();
      };
      timer = setTimeout(() => wake?.(), intervalMs);
    });

  const loop = async () => {
    while (!stopped) {
      nudged = false;
      let full = false;
      try {
        const result = await runOutboxOnce(deps);
        full = result.claimed >= deps.limit;
      } catch (error) {
        deps.logger?.error({ err: error }, 'outbox pass failed; will try again');
      }
      if (stopped) break;
      if (full || nudged) continue;
      await sleep();
    }
  };
  const running = loop();

  return {
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
