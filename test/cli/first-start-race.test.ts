// Several commands started at once on a new DATA_DIR (a script beside the server, say)
// must all succeed and end up sharing one signing key and one org key.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.ts';

describe('first start on a new DATA_DIR', () => {
  it('lets four processes start at once, all sharing the keys one of them made', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SEALPOST_KEY_PASSPHRASE: 'race test passphrase' };
    const runs = await Promise.all([1, 2, 3, 4].map(() => runCli(['keys', 'list'], env)));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const fingerprints = runs.map((r) => /\* ([0-9a-f]{40,64})/.exec(r.stdout)?.[1]);
    expect(new Set(fingerprints).size).toBe(1);
    const keys = readdirSync(path.join(dataDir, 'keys'));
    expect(keys.filter((f) => f.startsWith('signing.key'))).toEqual(['signing.key']);
    expect(readFileSync(path.join(dataDir, 'keys', 'signing.key'), 'utf8').trim()).toMatch(
      /^[A-Za-z0-9+/]{43}=$/,
    );
  });
});
