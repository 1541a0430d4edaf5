// `sealpost serve` (or `sealpost gateway`) as a child process on a prepared DATA_DIR:
// Sealpost exactly as an installation runs it, through its command line (its own
// process, so a CPU profile is the server's and not the benchmark's, and WORKERS can
// be set). Optionally under `--cpu-prof`, in which case stopping it gracefully
// (SIGTERM, as systemd does) is what writes the profiles.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(ROOT, 'adapters/cli/bin.js');

/** A running `sealpost serve`. */
export type ServeChild = {
  /** `http://127.0.0.1:<port>`, also its PUBLIC_URL. */
  url: string;
  /** The process's id (the primary's, with several workers). */
  pid: number;
  /** SIGTERM, then waits for it to exit (SIGKILL after `graceMs`); true when it exited by itself. */
  stop(graceMs?: number): Promise<boolean>;
};

/**
 * Whether `sealpost serve` knows the WORKERS setting (issue 19 adds it). Read from the
 * configuration's source, so the benchmark runs today and measures both ways once
 * the setting exists.
 */
export function serveKnowsWorkers(): boolean {
  return readFileSync(path.join(ROOT, 'adapters/config/config.ts'), 'utf8').includes('WORKERS');
}

/** Whether something accepts TCP connections on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `sealpost serve` with `env` (DATA_DIR and the rest) and waits until /healthz
 * answers; with `command: 'gateway'`, `sealpost gateway` on `gatewayPort` instead, and
 * waits until that port accepts connections.
 */
export async function startServe(options: {
  env: Record<string, string>;
  workers?: number;
  /** A folder for V8 CPU profiles (`--cpu-prof`): one file per process, written on exit. */
  cpuProfDir?: string;
  command?: 'serve' | 'gateway';
  gatewayPort?: number;
}): Promise<ServeChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const command = options.command ?? 'serve';
  const flags = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...flags, BIN, command], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...options.env,
      // Warnings and errors are kept (the last few KB) to explain a failed start.
      LOG_LEVEL: 'warn',
      PUBLIC_URL: url,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...(options.workers === undefined ? {} : { WORKERS: String(options.workers) }),
      ...(options.gatewayPort === undefined
        ? {}
        : { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(options.gatewayPort) }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  const deadline = performance.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`sealpost ${command} exited before answering:\n${output}`);
    const ok =
      command === 'gateway'
        ? await listening(options.gatewayPort ?? 0)
        : await fetch(`${url}/healthz`).then(
            (res) => res.ok,
            () => false,
          );
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sealpost ${command} did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid ?? 0,
    async stop(graceMs = 20_000) {
      if (gone) return true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code === 0;
    },
  };
}
