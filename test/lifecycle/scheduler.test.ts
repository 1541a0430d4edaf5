import { fixedSettings } from '../factories.ts';
// The node-cron scheduler inside the server process: it runs each job on its timer, in
// the configured time zone, records the runs, and stops cleanly.

import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../adapters/config/config.ts';
import type { JobsApp } from '../../adapters/jobs/deps.ts';
import { DEFAULT_SCHEDULES, startJobScheduler } from '../../adapters/jobs/scheduler.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { type LifecycleHarness, lifecycleHarness, memoryMailer } from './support.ts';

let h: LifecycleHarness;
let lines: Array<Record<string, unknown>>;
let app: JobsApp;

beforeEach(async () => {
  h = await lifecycleHarness();
  lines = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });
  app = {
    config: parseConfig({ DATA_DIR: h.dir, JOBS_TIMEZONE: 'Europe/London' }),
    logger,
    storage: h.storage,
    cipher: h.cipher,
    blobs: h.blobs,
    secrets: h.secrets,
    ids: h.ids,
    // Real time: node-cron fires on the wall clock.
    clock: { now: () => new Date() },
    mailer: memoryMailer(),
    settings: fixedSettings(h.settings),
  };
});
afterEach(async () => {
  await h.close();
});

describe('the job scheduler', () => {
  it('has a timer for every job, avoiding the hour the UK clocks change', () => {
    expect(Object.keys(DEFAULT_SCHEDULES).sort()).toEqual([
      'access-expiry',
      'housekeeping',
      'retention-purge',
      'unretrieved-notice',
    ]);
    for (const expression of Object.values(DEFAULT_SCHEDULES)) {
      const hour = expression.split(' ')[1];
      expect(hour === '*' || Number(hour) !== 1).toBe(true);
    }
  });

  it('runs a job when its timer fires, once however often a node asks within minutes', async () => {
    const never = '0 0 1 1 *';
    const scheduler = startJobScheduler({
      app,
      schedules: {
        'access-expiry': '* * * * * *',
        'retention-purge': never,
        'unretrieved-notice': never,
        housekeeping: never,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    await scheduler.stop();
    const runs = await h.storage.repos.jobRuns.listRecent({ limit: 10 });
    expect(runs.map((r) => [r.job, r.status])).toEqual([['access-expiry', 'ok']]);
    expect(lines.some((l) => l.msg === 'job finished' && l.job === 'access-expiry')).toBe(true);
    expect(
      lines.some((l) => l.msg?.toString().startsWith('job skipped') && l.reason === 'recent'),
    ).toBe(true);
    expect(lines.find((l) => l.msg === 'lifecycle jobs scheduled')?.timezone).toBe('Europe/London');
  });
});
