// What the SQLite adapter promises beyond the Storage contract: its pragmas, options,
// serialisation of async transactions on the one connection, locks between processes,
// and migrations found from the repository root.

import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openFile } from '../../adapters/storage/sqlite/connection.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAccount, makeMessage, makeOutboxMail, makeStaff } from '../factories.ts';
import { ROOT, tempDir } from '../support/cli.ts';

const dir = tempDir('sealpost-sqlite-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const newPath = () => path.join(dir, `db-${++n}.db`);

const opened: Storage[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
});

async function open(file = newPath()): Promise<Storage> {
  const storage = sqliteStorage({ path: file });
  opened.push(storage);
  await storage.migrate();
  return storage;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sqliteStorage options', () => {
  it('refuses a missing or empty path with a ConfigurationError', () => {
    for (const options of [{ path: '' }, { path: '   ' }, {}, undefined]) {
      expect(() => sqliteStorage(options as { path: string })).toThrow(ConfigurationError);
    }
    expect(() => sqliteStorage({ path: 'a\0b' })).toThrow(ConfigurationError);
  });

  it('turns a path it cannot open into a ConfigurationError that names it', () => {
    // A folder, not a file.
    expect(() => sqliteStorage({ path: dir })).toThrow(ConfigurationError);
    expect(() => sqliteStorage({ path: dir })).toThrow(dir);
  });

  it('makes a missing folder for the file', async () => {
    const storage = await open(path.join(dir, 'nested', 'deeper', 'sealpost.db'));
    expect(await storage.ping()).toBe(true);
  });
});

describe('the SQLite connection', () => {
  it('uses WAL with synchronous=FULL, foreign keys and a busy timeout', () => {
    const { raw } = openFile(newPath());
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 is FULL: a commit is synced to disk before it returns, even in WAL mode.
      expect(raw.pragma('synchronous', { simple: true })).toBe(2);
      expect(raw.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(raw.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    } finally {
      raw.close();
    }
  });

  it('enforces foreign keys', async () => {
    const storage = await open();
    await expect(
      storage.repos.messages.insert({ message: makeMessage({ senderId: 'no-such-account' }) }),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('keeps what was committed when the file is opened again', async () => {
    const file = newPath();
    const first = await open(file);
    const account = makeAccount();
    await first.transaction((t) => t.accounts.insert({ account }));
    await first.close();
    const second = await open(file);
    expect(await second.repos.accounts.findById({ id: account.id })).toStrictEqual(account);
  });

  it('finds its migrations from the repository root, whatever the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const storage = await open();
      expect(await storage.repos.settings.getAll()).toEqual({});
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('async transactions on the one connection', () => {
  it('never interleave: each runs whole before the next begins', async () => {
    const storage = await open();
    const events: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        storage.transaction(async (t) => {
          events.push(`${name} begin`);
          await sleep(5);
          await t.accounts.insert({ account: makeAccount() });
          await sleep(5);
          events.push(`${name} end`);
        }),
      ),
    );
    expect(events).toEqual(['a begin', 'a end', 'b begin', 'b end', 'c begin', 'c end']);
  });

  it('make calls on storage.repos from elsewhere wait for the commit', async () => {
    const storage = await open();
    const account = makeAccount();
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inserted = () => {};
    const didInsert = new Promise<void>((r) => {
      inserted = r;
    });
    const tx = storage.transaction(async (t) => {
      await t.accounts.insert({ account });
      inserted();
      await held;
    });
    await didInsert;
    let seen: unknown = 'pending';
    const outside = storage.repos.accounts.findById({ id: account.id }).then((a) => {
      seen = a;
    });
    await sleep(20);
    expect(seen).toBe('pending');
    release();
    await tx;
    await outside;
    expect(seen).toStrictEqual(account);
  });

  it('a rollback undoes only the failed transaction, not calls queued behind it', async () => {
    const storage = await open();
    const kept = makeAccount();
    const lost = makeAccount();
    const failing = storage.transaction(async (t) => {
      await t.accounts.insert({ account: lost });
      await sleep(10);
      throw new Error('undo');
    });
    const queued = storage.repos.accounts.insert({ account: kept });
    await expect(failing).rejects.toThrow('undo');
    await queued;
    expect(await storage.repos.accounts.findById({ id: kept.id })).toStrictEqual(kept);
    expect(await storage.repos.accounts.findById({ id: lost.id })).toBeNull();
  });

  it('two storages on one file in one process take turns instead of failing busy', async () => {
    const file = newPath();
    const a = await open(file);
    const b = await open(file);
    const sender = makeStaff();
    await a.repos.accounts.insert({ account: sender });
    await Promise.all(
      [a, b, a, b].map((storage) =>
        storage.transaction(async (t) => {
          const message = makeMessage({ senderId: sender.id });
          await t.messages.insert({ message });
          await sleep(10);
          await t.outbox.insert({ mail: makeOutboxMail() });
        }),
      ),
    );
    expect(await b.repos.messages.countSent({ senderId: sender.id })).toBe(4);
    expect(await a.repos.outbox.countUnsent()).toBe(4);
  });
});

describe('withLock between processes', () => {
  function startHolder(file: string): {
    child: ChildProcess;
    lines: string[];
    next: () => Promise<string>;
  } {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/storage/support/lock-holder.ts'), file],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    let buffer = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        const waiter = waiting.shift();
        if (waiter) waiter(line);
        else lines.push(line);
      }
    });
    const next = () =>
      new Promise<string>((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(line);
        waiting.push(resolve);
        child.once('exit', (code) => reject(new Error(`lock holder exited ${code}: ${stderr}`)));
      });
    return { child, lines, next };
  }

  it('a lock held by another process gives { ran: false } until it lets go', async () => {
    const file = newPath();
    const storage = await open(file);
    const holder = startHolder(file);
    try {
      expect(await holder.next()).toBe('held');
      expect(await storage.withLock({ name: 'job', fn: async () => 'mine' })).toEqual({
        ran: false,
      });
      expect(await storage.withLock({ name: 'other', fn: async () => 'other' })).toEqual({
        ran: true,
        value: 'other',
      });
      holder.child.stdin?.write('go\n');
      expect(await holder.next()).toBe('released');
      expect(await storage.withLock({ name: 'job', fn: async () => 'mine' })).toEqual({
        ran: true,
        value: 'mine',
      });
    } finally {
      if (holder.child.exitCode === null) holder.child.kill('SIGKILL');
    }
  }, 20_000);

  it('a lock row left by a holder that died frees itself when its lease runs out', async () => {
    const file = newPath();
    const storage = await open(file);
    const other = new Database(file);
    try {
      other
        .prepare('insert into locks (name, holder, expires_at) values (?, ?, ?)')
        .run('job', 'another process', Date.now() + 60_000);
      expect(await storage.withLock({ name: 'job', fn: async () => 1 })).toEqual({ ran: false });
      other.prepare('update locks set expires_at = ? where name = ?').run(Date.now() - 1, 'job');
      expect(await storage.withLock({ name: 'job', fn: async () => 2 })).toEqual({
        ran: true,
        value: 2,
      });
      // Released afterwards: the row is gone.
      expect(other.prepare('select count(*) as n from locks').get()).toEqual({ n: 0 });
    } finally {
      other.close();
    }
  });
});
