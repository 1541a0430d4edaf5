/**
 * Reads `--name=value` options of a long-run script, with defaults; prints the usage
 * and exits 2 on anything it does not know.
 */
export function readOptions<T extends Record<string, number>>(script: string, defaults: T): T {
  const options: Record<string, number> = { ...defaults };
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z-]+)=(\d+)$/.exec(arg);
    const name = match?.[1];
    if (!match || name === undefined || !(name in defaults)) {
      const usage = Object.entries(defaults)
        .map(([key, value]) => `--${key}=${value}`)
        .join(' ');
      process.stderr.write(`Usage: node --import tsx test/security/long/${script} [${usage}]\n`);
      process.exit(2);
    }
    options[name] = Number(match[2]);
  }
  return options as T;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}
