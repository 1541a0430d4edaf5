import type { Config } from '../config/config.ts';

/**
 * The one line a CLI user reads when the database cannot be reached, naming the
 * setting, the host and the likely fix; null when `error` is not a connection problem.
 * Recognises node's socket errors and PostgreSQL's own codes (SQLSTATE).
 */
export function describeDatabaseFailure(error: unknown, config: Config): string | null {
  const e = error as { code?: unknown; cause?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  if (config.database.kind === 'sqlite') {
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_NOTADB') {
      return `The SQLite database at ${config.database.path} (DATABASE_URL, or DATA_DIR/sealpost.db) cannot be opened (${code}): check the path, that the folder exists and that this user may write to it.`;
    }
    return null;
  }
  let where = 'the PostgreSQL server';
  let user = '';
  let name = '';
  try {
    const url = new URL(config.database.url);
    where = `${url.hostname}:${url.port || '5432'}`;
    user = decodeURIComponent(url.username);
    name = decodeURIComponent(url.pathname.slice(1));
  } catch {
    // The config already checked the URL; this is only for the sentence.
  }
  const setting = `DATABASE_URL (${where})`;
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing answers at ${setting}: start PostgreSQL, or correct the host and port in DATABASE_URL.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host in ${setting} is not known: correct the host name in DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `${setting} did not answer in time: check the host, the port and any firewall between here and the database.`;
    case '28000':
      return `PostgreSQL at ${where} refused the role "${user}" named in DATABASE_URL (it may not exist): create it with \`createuser ${user || 'sealpost'}\` (see README, PostgreSQL), or correct the user in DATABASE_URL.`;
    case '28P01':
      return `PostgreSQL at ${where} refused the password for "${user}" in DATABASE_URL: correct the password (URL-encode special characters).`;
    case '3D000':
      return `The database "${name}" named in DATABASE_URL does not exist on ${where}: create it with \`createdb -O ${user || 'sealpost'} ${name || 'sealpost'}\`, or correct the name.`;
    case '42501':
      return `The role "${user}" in DATABASE_URL may not create tables in "${name}" on ${where}: make it the database's owner (\`createdb -O ${user || 'sealpost'} ...\`) or grant it the rights.`;
    default:
      if (e?.cause && e.cause !== error) return describeDatabaseFailure(e.cause, config);
      return null;
  }
}

/** The closest known command to what was typed, for "did you mean", or null. */
export function closestCommand(typed: string, known: readonly string[]): string | null {
  let best: { name: string; distance: number } | null = null;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (best === null || distance < best.distance) best = { name, distance };
  }
  // A typo is a few letters off; anything further is not what was meant.
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : null;
}

/** Levenshtein distance (both strings are short command names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
