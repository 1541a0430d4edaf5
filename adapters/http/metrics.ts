import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { routePath } from 'hono/route';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditAction, AuditEvent } from '../../core/audit/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import type { Logger } from '../logging/logger.ts';
import type { AppEnv } from './env.ts';

/** What the metrics endpoint needs. */
export type MetricsOptions = {
  /** The bearer token a scraper must send (METRICS_TOKEN). */
  token: string;
  /** Read at each scrape: outbox depth, job runs and new audit events. */
  storage: Storage;
  logger: Logger;
};

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DECISIONS = new Set(['encrypt', 'relay', 'reject']);
const AUDIT_PAGE = 1_000;
// A scrape reads at most this many pages of new audit events per counter; a burst
// bigger than that is counted over the next scrapes rather than in one slow one.
const AUDIT_PAGES_PER_SCRAPE = 10;
const JOB_RUNS_READ = 200;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when the Authorization header carries the token. Both sides are hashed first, so
 * the constant-time compare gets equal lengths and the token's length does not leak.
 */
function isAuthorised(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1] as string), expected);
}

/**
 * The route label: the pattern that answered (`/messages/:id`), never the raw path, so
 * no id or token becomes a label and the number of series stays fixed. A request only
 * middleware answered is `unmatched` (404) or `middleware` (a redirect, a refused form).
 */
function routeOf(c: Context<AppEnv>): string {
  const pattern = routePath(c);
  if (pattern === '' || pattern === '*' || pattern === '/*') {
    return c.res.status === 404 ? 'unmatched' : 'middleware';
  }
  return pattern;
}

/**
 * Follows the audit trail from where it was at start, counting the new events of one
 * action at each scrape. Counters then count for the whole installation (every node
 * writes to the same trail), not for the node scraped: use max(), not sum(), across
 * nodes.
 */
function auditTail(
  storage: Storage,
  action: AuditAction,
  onEvent: (event: AuditEvent) => void,
): () => Promise<void> {
  let cursor: number | null = null;
  const start = async () => {
    const [last] = await storage.repos.audit.list({ limit: 1, order: 'desc' });
    return last?.seq ?? 0;
  };
  // Taken now, so events between start and the first scrape are counted.
  let starting: Promise<number> | null = start();
  starting.catch(() => {});
  return async () => {
    if (cursor === null) {
      cursor = await (starting ?? start()).finally(() => {
        starting = null;
      });
    }
    for (let page = 0; page < AUDIT_PAGES_PER_SCRAPE; page++) {
      const events = await storage.repos.audit.list({
        filter: { action },
        afterSeq: cursor,
        limit: AUDIT_PAGE,
        order: 'asc',
      });
      for (const event of events) {
        onEvent(event);
        cursor = event.seq;
      }
      if (events.length < AUDIT_PAGE) return;
    }
  };
}

/**
 * The Prometheus endpoint, as an area mounted first: a middleware that counts and times
 * every request after it, and `GET /metrics` behind a bearer token. It has a registry of
 * its own (not prom-client's global one), so two portals in one process never clash.
 */
export function metricsArea(options: MetricsOptions): Hono<AppEnv> {
  const expected = digest(options.token);
  const { storage, logger } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'sealpost_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sealpost_http_request_duration_seconds',
    help: 'Time until the response started (a download streams on after it), by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const outboxUnsent = new Gauge({
    name: 'sealpost_outbox_unsent',
    help: 'Mails in the outbox not yet sent (pending or being sent).',
    registers: [registry],
  });
  const signInFailures = new Counter({
    name: 'sealpost_sign_in_failures_total',
    help: 'Failed web sign-ins (password or second factor), from the audit trail, for the whole installation.',
    registers: [registry],
  });
  const lockouts = new Counter({
    name: 'sealpost_account_lockouts_total',
    help: 'Accounts locked after too many failures, from the audit trail, for the whole installation.',
    registers: [registry],
  });
  const gatewayDecisions = new Counter({
    name: 'sealpost_gateway_decisions_total',
    help: 'SMTP gateway decisions (encrypt, relay, reject), from the audit trail, for the whole installation.',
    labelNames: ['decision'] as const,
    registers: [registry],
  });
  const jobStarted = new Gauge({
    name: 'sealpost_job_last_started_timestamp_seconds',
    help: 'When the latest run of each lifecycle job started (Unix time).',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const jobSucceeded = new Gauge({
    name: 'sealpost_job_last_success_timestamp_seconds',
    help: 'When the latest successful run of each lifecycle job finished (Unix time).',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const jobFailed = new Gauge({
    name: 'sealpost_job_last_run_failed',
    help: '1 when the latest finished run of the job failed, else 0.',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const jobDuration = new Gauge({
    name: 'sealpost_job_last_duration_seconds',
    help: 'How long the latest finished run of each lifecycle job took.',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const scrapeErrors = new Counter({
    name: 'sealpost_metrics_scrape_errors_total',
    help: 'Scrapes where reading the database for these metrics failed (the values shown are older).',
    registers: [registry],
  });

  const tails = [
    auditTail(storage, 'account.signin-failed', () => signInFailures.inc()),
    auditTail(storage, 'account.lockout', () => lockouts.inc()),
    auditTail(storage, 'gateway.decision', (event) => {
      const decision = String(event.details.action ?? '');
      gatewayDecisions.inc({ decision: DECISIONS.has(decision) ? decision : 'other' });
    }),
  ];

  const readJobs = async () => {
    const runs = await storage.repos.jobRuns.listRecent({ limit: JOB_RUNS_READ });
    for (const gauge of [jobStarted, jobSucceeded, jobFailed, jobDuration]) gauge.reset();
    const seconds = (d: Date) => d.getTime() / 1000;
    // Newest first: the first run seen of a job is its latest.
    const started = new Set<string>();
    const finished = new Set<string>();
    const succeeded = new Set<string>();
    for (const run of runs) {
      if (!started.has(run.job)) {
        started.add(run.job);
        jobStarted.set({ job: run.job }, seconds(run.startedAt));
      }
      if (run.finishedAt && !finished.has(run.job)) {
        finished.add(run.job);
        jobFailed.set({ job: run.job }, run.status === 'failed' ? 1 : 0);
        jobDuration.set({ job: run.job }, seconds(run.finishedAt) - seconds(run.startedAt));
      }
      if (run.status === 'ok' && run.finishedAt && !succeeded.has(run.job)) {
        succeeded.add(run.job);
        jobSucceeded.set({ job: run.job }, seconds(run.finishedAt));
      }
    }
  };

  const refresh = async () => {
    const results = await Promise.allSettled([
      storage.repos.outbox.countUnsent().then((n) => outboxUnsent.set(n)),
      readJobs(),
      ...tails.map((tail) => tail()),
    ]);
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      scrapeErrors.inc();
      logger.warn({ err: (failed[0] as PromiseRejectedResult).reason }, 'metrics: a read failed');
    }
  };

  const area = new Hono<AppEnv>();
  area.use('*', async (c, next) => {
    const end = duration.startTimer();
    await next();
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    const route = routeOf(c);
    requests.inc({ method, route, status: String(c.res.status) });
    end({ method, route });
  });
  area.get('/metrics', async (c) => {
    if (!isAuthorised(c.req.header('authorization'), expected)) {
      return c.text('A valid bearer token is needed.', 401, {
        'WWW-Authenticate': 'Bearer realm="metrics"',
        'Cache-Control': 'no-store',
      });
    }
    await refresh();
    return c.body(await registry.metrics(), 200, {
      'Content-Type': registry.contentType,
      'Cache-Control': 'no-store',
    });
  });
  return area;
}
