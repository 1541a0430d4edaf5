import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../core/audit/model.ts';
import { recordAudit } from '../../core/audit/record.ts';
import { tempDir } from '../../test/support/cli.ts';
import { compose, type Sealpost } from '../compose.ts';
import { parseConfig } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { createPortal } from './portal.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';
const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

async function openApp(dir: string, env: Record<string, string> = {}): Promise<Sealpost> {
  const config = parseConfig({
    DATA_DIR: dir,
    PUBLIC_URL: 'https://securemail.example.gov.uk',
    SEALPOST_KEY_PASSPHRASE: 'metrics test passphrase',
    ...env,
  });
  return compose(config, { logger: silent() });
}

const entry = (action: AuditEntry['action'], details: AuditEntry['details'] = {}): AuditEntry => ({
  action,
  actorId: null,
  actorLabel: 'test',
  ip: null,
  targetType: null,
  targetId: null,
  details,
});

describe('/metrics', () => {
  const dir = tempDir('sealpost-metrics-');
  let app: Sealpost;
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    app = await openApp(dir, { METRICS_TOKEN: TOKEN });
    // Before the portal starts: the counters begin at zero, not at the whole history.
    await recordAudit(app, app.storage.repos, entry('account.signin-failed'));
  });

  const scrape = (portal: ReturnType<typeof createPortal>, token = TOKEN) =>
    portal.request('/metrics', { headers: { authorization: `Bearer ${token}` } });

  it('is not there at all without METRICS_TOKEN', async () => {
    const other = await openApp(tempDir('sealpost-metrics-off-'));
    try {
      const res = await createPortal(other).request('/metrics', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('asks for the bearer token, and a wrong one is refused', async () => {
    const portal = createPortal(app);
    const none = await portal.request('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await scrape(portal, `${TOKEN}x`)).status).toBe(401);
    expect((await scrape(portal, TOKEN.slice(1))).status).toBe(401);
    expect(await (await scrape(portal, 'short')).text()).not.toContain('sealpost_');
  });

  it('counts requests by route pattern, never by raw path, and reads the rest at scrape', async () => {
    const portal = createPortal(app);
    await portal.request('/sign-in');
    await portal.request('/sign-in');
    await portal.request('/no/such/page/4f9c2e1d-secret-token');
    await recordAudit(app, app.storage.repos, entry('account.signin-failed'));
    await recordAudit(app, app.storage.repos, entry('account.signin-failed'));
    await recordAudit(app, app.storage.repos, entry('gateway.decision', { action: 'reject' }));
    await recordAudit(app, app.storage.repos, entry('gateway.decision', { action: 'encrypt' }));
    const started = new Date(Date.now() - 5_000);
    await app.storage.repos.jobRuns.insert({
      run: {
        id: 'run-1',
        job: 'retention-purge',
        startedAt: started,
        finishedAt: new Date(started.getTime() + 2_500),
        status: 'ok',
        counts: { purged: 3 },
        error: null,
      },
    });

    const res = await scrape(portal);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).toContain(
      'sealpost_http_requests_total{method="GET",route="/sign-in",status="200"} 2',
    );
    expect(text).toContain(
      'sealpost_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).not.toContain('4f9c2e1d');
    expect(text).toMatch(
      /sealpost_http_request_duration_seconds_count\{method="GET",route="\/sign-in"\} 2/,
    );
    // Only the failures since the portal started: the one before it is not counted.
    expect(text).toContain('sealpost_sign_in_failures_total 2');
    expect(text).toContain('sealpost_gateway_decisions_total{decision="reject"} 1');
    expect(text).toContain('sealpost_gateway_decisions_total{decision="encrypt"} 1');
    expect(text).toContain('sealpost_outbox_unsent 0');
    expect(text).toContain('sealpost_job_last_run_failed{job="retention-purge"} 0');
    expect(text).toContain('sealpost_job_last_duration_seconds{job="retention-purge"} 2.5');
    expect(text).toContain('process_cpu_user_seconds_total');

    // Counters move on from where they were: nothing is counted twice.
    await recordAudit(app, app.storage.repos, entry('account.signin-failed'));
    expect(await (await scrape(portal)).text()).toContain('sealpost_sign_in_failures_total 3');
  });
});
