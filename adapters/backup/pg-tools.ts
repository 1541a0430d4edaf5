import { spawn } from 'node:child_process';

/**
 * The libpq environment for a postgres:// URL. pg_dump and pg_restore get the password
 * this way, never on their command line, where any user of the machine could read it
 * in the process list.
 */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  const host = u.searchParams.get('host') ?? u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host) env.PGHOST = host;
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  env.PGAPPNAME = 'sealpost';
  return env;
}

/**
 * Runs pg_dump or pg_restore against the database of `url` (reached through the libpq
 * environment) and resolves when it exits 0; otherwise rejects with its own words.
 */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(tool, args, {
      env: { ...process.env, ...libpqEnv(url) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => {
      if (stderr.length < 20_000) stderr += data.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `${tool} is not installed. On Debian or Ubuntu: apt-get install postgresql-client (the same major version as the server, or newer).`,
            )
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim() || 'no message'}`));
    });
  });
}
