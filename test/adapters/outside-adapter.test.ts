// The acceptance test of the adapter registry (issue 23, items 1 and 2): an adapter in a
// folder of its own, with its own package.json, depending only on the published
// `sealpost` (test/fixtures/outside-adapter, `@council/sealpost-blob-memory`), passes
// its contract suite run from its own folder, is selected by configuration with no
// change to Sealpost's files, stores what the app writes, and has its bad options
// reported with every other configuration problem (exit 2, one line each).
//
// The folders are set up as npm would leave them, without the network: the adapter's
// node_modules/sealpost is the package as published (`npm pack` of this repository,
// unpacked, so only what package.json's `files` lists is there), with its own
// dependencies linked to ours; its vitest is a link to ours (its dev dependency); the
// installation's node_modules/@council/sealpost-blob-memory is a link to the adapter's
// folder (what `npm install ../sealpost-blob-memory` makes).

import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { loadConfig } from '../../adapters/registry/load.ts';
import { emailKey } from '../../core/accounts/email.ts';
import { downloadAttachment } from '../../core/messages/download-attachment.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { readAll, streamOf } from '../../core/shared/streams.ts';
import { instanceEnv } from '../backup/support.ts';
import { makeStaff } from '../factories.ts';
import { patternBytes } from '../kit/index.ts';
import { ROOT, runCli, startServe, stop, tempDir } from '../support/cli.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/outside-adapter');
const PACKAGE = '@council/sealpost-blob-memory';

const root = realpathSync(tempDir('sealpost-outside-adapter-'));
const adapterDir = path.join(root, 'sealpost-blob-memory');
const installDir = path.join(root, 'installation');

/** `npm pack` of this repository, unpacked at `dir` as npm installs a package. */
async function installPacked(dir: string): Promise<void> {
  const packed = await runTool(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', root],
    ROOT,
  );
  const filename = (JSON.parse(packed) as Array<{ filename: string }>)[0]?.filename ?? '';
  mkdirSync(dir, { recursive: true });
  await runTool(
    'tar',
    ['-xzf', path.join(root, filename), '-C', dir, '--strip-components=1'],
    root,
  );
  // Its dependencies, as `npm install` would have put them beside it.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** Runs a tool to the end; its standard output, or an error with what it said. */
function runTool(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args[0]}: ${err}`)),
    );
  });
}

beforeAll(async () => {
  cpSync(FIXTURE, adapterDir, { recursive: true });
  mkdirSync(path.join(adapterDir, 'node_modules'));
  await installPacked(path.join(adapterDir, 'node_modules', 'sealpost'));
  symlinkSync(
    path.join(ROOT, 'node_modules', 'vitest'),
    path.join(adapterDir, 'node_modules', 'vitest'),
    'dir',
  );
  mkdirSync(path.join(installDir, 'node_modules', '@council'), { recursive: true });
  symlinkSync(adapterDir, path.join(installDir, 'node_modules', PACKAGE), 'dir');
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `node <args>` in `cwd` with a plain environment; the exit code and the output. */
function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

const silent = () =>
  createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('an adapter package outside Sealpost', () => {
  it('passes its contract suite through sealpost/test-kit, run from its own folder', async () => {
    const result = await run(
      [path.join(adapterDir, 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
      adapterDir,
    );
    expect(result.output).toMatch(/Test Files\s+1 passed \(1\)/);
    // The whole BlobStore contract ran (a dozen tests), and the options test.
    const passed = Number(/Tests\s+(\d+) passed/.exec(result.output)?.[1] ?? 0);
    expect(passed).toBeGreaterThanOrEqual(12);
    expect(result.code).toBe(0);
  }, 120_000);

  it('is chosen by BLOB_STORE, and the blobs of a message sent through the app land in it', async () => {
    const dataDir = path.join(root, 'data-env');
    const config = await loadConfig(
      {
        ...instanceEnv({ dataDir }),
        BLOB_STORE: PACKAGE,
        BLOB_STORE_OPTIONS: '{"label":"acceptance"}',
        // Every blob to the store, none inline in the database.
        INLINE_BLOB_MAX_KB: '0',
      },
      { cwd: installDir },
    );
    expect(config.blobStore).toBe(PACKAGE);
    const app = await compose(config, { logger: silent() });
    try {
      const sender = makeStaff({ email: 'officer@example.gov.uk' });
      await app.storage.repos.accounts.insert({ account: sender });
      const file = patternBytes(300_000, 7);
      const deps = { ...app, publicUrl: app.config.publicUrl };
      const sent = await sendMessage(deps, await app.settings.get(), {
        senderId: sender.id,
        to: ['resident@example.org'],
        cc: [],
        subject: 'Your file',
        body: 'Attached.',
        bodyFormat: 'text',
        attachments: [
          { name: 'file.bin', contentType: 'application/octet-stream', content: streamOf(file) },
        ],
        readOnly: false,
        classification: null,
        source: 'portal',
        ip: '192.0.2.1',
      });
      if (!sent.ok) throw new Error(`send failed: ${JSON.stringify(sent.issues)}`);

      // The adapter's own module (the one Sealpost loaded: Node keys modules by real
      // path) holds the body and the file; the built-in store's folder holds nothing.
      const outside = (await import(
        pathToFileURL(path.join(adapterDir, 'src', 'index.ts')).href
      )) as { storedIn(label: string): string[] };
      const ids = outside.storedIn('acceptance');
      expect(ids.length).toBeGreaterThanOrEqual(2);
      const blobsDir = path.join(dataDir, 'blobs');
      expect(existsSync(blobsDir) ? readdirSync(blobsDir) : []).toEqual([]);

      // And it comes back to the recipient through the app, byte for byte.
      const recipient = await app.storage.repos.accounts.findByEmailKey({
        emailKey: emailKey('resident@example.org'),
      });
      const [attachment] = await app.storage.repos.attachments.listForMessage({
        messageId: sent.messageId,
      });
      const attachmentId = attachment?.id;
      if (!recipient || !attachmentId) throw new Error('nothing was stored');
      const download = await downloadAttachment(deps, {
        account: recipient,
        deliveryId: sent.deliveryIds[0] as string,
        attachmentId,
        ip: null,
      });
      if (!download) throw new Error('did not download');
      expect(await readAll(download.content)).toEqual(file);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('is chosen by sealpost.config.json when `sealpost serve` starts', async () => {
    const configFile = path.join(root, 'serve.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ adapters: { blobs: { use: PACKAGE, options: { label: 'served' } } } }),
    );
    const server = await startServe(
      {
        DATA_DIR: path.join(root, 'data-serve'),
        LOG_LEVEL: 'info',
        JOBS: 'off',
        SEALPOST_CONFIG: configFile,
        ADAPTERS_DIR: installDir,
      },
      30_000,
    );
    try {
      // The adapter's create said so, in the server's log.
      await expect.poll(server.output, { timeout: 5_000 }).toContain('blobs are kept in memory');
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
  }, 60_000);

  it('has bad options reported with the other configuration problems: exit 2, one line each', async () => {
    writeFileSync(
      path.join(installDir, 'sealpost.config.json'),
      JSON.stringify({
        adapters: {
          blobs: { use: PACKAGE, options: { label: 'Not Allowed', maxBlobBytes: 0 } },
          mailer: '@council/sealpost-mail-nowhere',
        },
      }),
    );
    const result = await runCli(
      ['migrate'],
      { DATA_DIR: path.join(root, 'data-bad'), PORT: 'abc' },
      { cwd: installDir },
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      'Sealpost cannot start: 4 configuration problem(s).',
      '  - PORT must be a whole number from 1 to 65535 (got "abc"). Example: PORT=3000',
      `  - sealpost.config.json adapters.blobs: ${PACKAGE} option "label": must be 1 to 40 of a-z, 0-9 and -`,
      `  - sealpost.config.json adapters.blobs: ${PACKAGE} option "maxBlobBytes": Too small: expected number to be >0`,
      `  - sealpost.config.json adapters.mailer names @council/sealpost-mail-nowhere, which is not installed in ${installDir}: npm install it there, or set ADAPTERS_DIR to the folder it is installed in.`,
    ]);
    rmSync(path.join(installDir, 'sealpost.config.json'));
  }, 60_000);
});
