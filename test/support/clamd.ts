import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort, tempDir } from './cli.ts';

/**
 * The public signature database cannot be downloaded here, so test clamd processes run
 * on one custom signature that matches this marker anywhere in a file.
 */
export const CLAMD_TEST_MARKER = 'SEALPOST-CLAMAV-TEST-SIGNATURE';

/** The threat name clamd reports for the marker. */
export const CLAMD_TEST_THREAT = 'Sealpost.Test.Marker.UNOFFICIAL';

/** The threat name clamd reports for the EICAR test file (its name in ClamAV's database). */
export const CLAMD_EICAR_THREAT = 'Win.Test.EICAR_HDB-1';
const EICAR_MD5 = '44d88612fea8a8f36de82e1278abb02f';

/**
 * True when clamd is installed. Outside CI a missing clamd is said loudly and the
 * suite does not run; in CI nothing may skip, so it throws.
 */
export function clamdAvailable(suite: string): boolean {
  if (spawnSync('clamd', ['--version']).status === 0) return true;
  if (process.env.CI) {
    throw new Error(`${suite}: clamd is not installed, and in CI nothing may skip.`);
  }
  console.warn(`${suite} did NOT run: clamd is not installed (apt-get install clamav-daemon).`);
  return false;
}

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

/** A real clamd on a free loopback port with the test signature; `stop` ends it. */
export async function startTestClamd(): Promise<{ port: number; stop: () => void }> {
  const dir = tempDir('sealpost-clamd-');
  mkdirSync(path.join(dir, 'db'));
  const hex = Buffer.from(CLAMD_TEST_MARKER).toString('hex');
  writeFileSync(path.join(dir, 'db', 'sealpost.ndb'), `Sealpost.Test.Marker:0:*:${hex}\n`);
  // The EICAR test file, by the MD5 signature ClamAV's own database uses for it.
  writeFileSync(path.join(dir, 'db', 'sealpost.hdb'), `${EICAR_MD5}:68:${CLAMD_EICAR_THREAT}\n`);
  const port = await freePort();
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
  const clamd: ChildProcess = spawn('clamd', [`--config-file=${path.join(dir, 'clamd.conf')}`], {
    stdio: 'ignore',
  });
  await waitForPort(port, 30_000);
  return { port, stop: () => clamd.kill('SIGKILL') };
}
