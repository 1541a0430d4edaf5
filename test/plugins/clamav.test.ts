import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporaryFailure } from '../../core/shared/errors.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { clamdScanner, parseReply } from '../../plugins/clamav/clamd-scanner.ts';
import { clamavPlugin } from '../../plugins/clamav/manifest.ts';
import { freePort, tempDir } from '../support/cli.ts';

// The public signature database cannot be downloaded here, so clamd runs on one custom
// signature that matches this marker anywhere in a file.
const MARKER = 'SEALPOST-CLAMAV-TEST-SIGNATURE';
const hasClamd = spawnSync('clamd', ['--version']).status === 0;
if (!hasClamd && process.env.CI)
  throw new Error(
    'clamd is not installed, and in CI nothing may skip (apt-get install clamav-daemon).',
  );
if (!hasClamd)
  console.warn('ClamAV suite did NOT run: clamd is not installed (apt-get install clamav-daemon).');

function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.end();
        resolve();
      });
      s.on('error', () =>
        Date.now() > deadline ? reject(new Error('clamd did not start')) : setTimeout(attempt, 200),
      );
    };
    attempt();
  });
}

function chunked(parts: number, size: number, fill: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === parts) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(size).fill(fill));
    },
  });
}

describe.runIf(hasClamd)('ClamAV scanner against a real clamd', () => {
  let clamd: ChildProcess;
  let port: number;

  beforeAll(async () => {
    const dir = tempDir('sealpost-clamd-');
    mkdirSync(path.join(dir, 'db'));
    const hex = Buffer.from(MARKER).toString('hex');
    writeFileSync(path.join(dir, 'db', 'sealpost.ndb'), `Sealpost.Test.Marker:0:*:${hex}\n`);
    port = await freePort();
    writeFileSync(
      path.join(dir, 'clamd.conf'),
      [
        `DatabaseDirectory ${path.join(dir, 'db')}`,
        `TCPSocket ${port}`,
        'TCPAddr 127.0.0.1',
        'Foreground yes',
        'StreamMaxLength 10M',
        `LogFile ${path.join(dir, 'clamd.log')}`,
        'User root',
      ].join('\n'),
    );
    clamd = spawn('clamd', [`--config-file=${path.join(dir, 'clamd.conf')}`], { stdio: 'ignore' });
    await waitForPort(port, 30_000);
  }, 40_000);

  afterAll(() => {
    clamd?.kill('SIGKILL');
  });

  it('says clean for ordinary content, streamed in many chunks', async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port });
    expect(
      await scanner.scan({
        content: streamOf(new TextEncoder().encode('Dear resident, your housing report.')),
      }),
    ).toEqual({
      clean: true,
    });
    expect(await scanner.scan({ content: chunked(40, 100_000, 65) })).toEqual({ clean: true });
  });

  it('names the threat when the test signature is present', async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port });
    const bytes = new TextEncoder().encode(`header ${'x'.repeat(200_000)} ${MARKER} trailer`);
    expect(await scanner.scan({ content: streamOf(bytes) })).toEqual({
      clean: false,
      threat: 'Sealpost.Test.Marker.UNOFFICIAL',
    });
  });

  it("refuses a stream over clamd's limit rather than letting it through", async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port });
    const result = await scanner.scan({ content: chunked(12, 1024 * 1024, 66) });
    expect(result.clean).toBe(false);
  });

  it('fails as temporary when clamd is not there', async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port: await freePort() });
    await expect(scanner.scan({ content: streamOf(new Uint8Array([1])) })).rejects.toBeInstanceOf(
      TemporaryFailure,
    );
  });
});

describe('ClamAV plugin', () => {
  it('does not load unless configured, and checks its options', () => {
    expect(clamavPlugin.create({})).toBeNull();
    expect(() => clamdScanner({ host: '127.0.0.1', port: 0 })).toThrow(/clamd needs/);
  });

  it('reads clamd replies', () => {
    expect(parseReply('stream: OK')).toEqual({ clean: true });
    expect(parseReply('stream: Eicar-Test-Signature FOUND')).toEqual({
      clean: false,
      threat: 'Eicar-Test-Signature',
    });
    expect(() => parseReply('stream: lstat() failed ERROR')).toThrow(TemporaryFailure);
  });
});
