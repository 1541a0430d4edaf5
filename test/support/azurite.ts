import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Azurite's well-known development account: public, documented, and accepted by
// nothing but the emulator.
const ACCOUNT = 'devstoreaccount1';
const KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_MS = 30_000;

/** Where Azurite's blob service script is, or null when the package is not installed. */
function azuriteScript(): string | null {
  try {
    return createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
  } catch {
    return null;
  }
}

/**
 * Says loudly that an Azurite suite cannot run; in CI that is a failure, never a silent
 * skip (as test/support/postgres.ts does for PostgreSQL). Returns true when it can run.
 */
export function azuriteAvailable(suite: string): boolean {
  if (azuriteScript()) return true;
  if (process.env.CI) {
    throw new Error(`${suite}: the azurite devDependency is missing, and in CI nothing may skip.`);
  }
  console.warn(`${suite}: did NOT run: azurite is not installed (npm install).`);
  return false;
}

/** A running Azurite blob service: its connection string, and how to stop it. */
export type Azurite = {
  connectionString: string;
  /** Request lines of Azurite's access log so far (`"GET /devstoreaccount1/c?... HTTP/1.1"`). */
  requests(): string[];
  stop(): Promise<void>;
};

/**
 * Starts Azurite's blob service from node_modules on a free loopback port (the port
 * it reports after binding port 0), storing into a new temporary folder, with its
 * telemetry off. Rejects, with what Azurite printed, if it does not listen in time.
 */
export async function startAzurite(): Promise<Azurite> {
  const script = azuriteScript();
  if (!script) throw new Error('azurite is not installed (it is a devDependency: npm install)');
  const location = mkdtempSync(path.join(tmpdir(), 'sealpost-azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      script,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      location,
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start within ${START_MS} ms:\n${output}`));
    }, START_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (${code}) before it listened:\n${output}`));
    });
  });
  // Keep reading its access log (a full pipe would stall it); tests count requests in it.
  const log: string[] = [];
  child.stdout?.removeAllListeners('data');
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const request = /"((GET|PUT|POST|DELETE|HEAD) [^"]+)"/.exec(line);
      if (request) log.push(request[1] as string);
    }
  });
  child.stderr?.resume();
  return {
    requests: () => [...log],
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    },
  };
}
