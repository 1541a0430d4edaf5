// The adapter registry (docs/decisions/0032): the built-ins registered by name, the
// configuration file and the environment choosing among them and installed packages,
// and every problem of every package reported at once. The packages are written into a
// temporary installation here, linked into its node_modules as `npm install <folder>`
// would, each importing only `sealpost/adapter`.

import { mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBlobStore, chooseMailer } from '../../adapters/compose.ts';
import { ConfigProblems, parseConfig } from '../../adapters/config/config.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { adapterRegistry, selectedAdapter } from '../../adapters/registry/index.ts';
import { loadConfig, resolvePackage } from '../../adapters/registry/load.ts';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { decide, installedPlugins, loadPlugins } from '../../plugins/registry.ts';
import { ROOT, tempDir } from '../support/cli.ts';

const root = realpathSync(tempDir('sealpost-registry-'));
const packages = path.join(root, 'packages');
const install = path.join(root, 'installation');

/** Writes a package of `files` and installs it (a link) in the installation. */
function writePackage(name: string, files: Record<string, string>, exportsField: unknown) {
  const dir = path.join(packages, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, type: 'module', exports: exportsField }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  const link = path.join(install, 'node_modules', name);
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(dir, link, 'dir');
}

beforeAll(() => {
  mkdirSync(path.join(packages, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, path.join(packages, 'node_modules', 'sealpost'), 'dir');
  // A mailer that keeps what it sends, with a required option.
  writePackage(
    '@council/sealpost-mail-keep',
    {
      'index.js': `import { defineAdapter, z } from 'sealpost/adapter';
export const sent = [];
export default defineAdapter({
  port: 'mailer',
  name: 'keep',
  options: z.strictObject({ tag: z.string().min(2) }),
  create: (options) => ({
    async send({ id, mail }) { sent.push({ tag: options.tag, id, to: mail.to }); return { ok: true }; },
    async close() {},
  }),
});`,
    },
    { '.': { import: './index.js' } },
  );
  // Not an adapter at all, and an adapter of the wrong port under a named export.
  writePackage('sealpost-nothing', { 'main.js': 'export default { hello: 1 };' }, './main.js');
  writePackage(
    '@council/sealpost-wrong-port',
    {
      'index.js': `import { defineAdapter, z } from 'sealpost/adapter';
export const store = defineAdapter({ port: 'blobs', name: 'x', options: z.object({}), create: () => ({}) });`,
    },
    './index.js',
  );
  // A policy plugin with options.
  writePackage(
    '@council/sealpost-policy-word',
    {
      'index.js': `import { definePlugin, z } from 'sealpost/adapter';
export default definePlugin({
  id: 'word',
  name: 'Word',
  description: 'Encrypts a mail whose subject holds the word.',
  hook: 'policy',
  order: 5,
  options: z.strictObject({ word: z.string().min(1) }),
  create: ({ options }) => ({
    name: 'word',
    async evaluate({ mail }) {
      return mail.subject.includes(options.word)
        ? { action: 'encrypt', reasons: ['the word ' + options.word] }
        : { action: 'abstain', reasons: [] };
    },
  }),
});`,
    },
    './index.js',
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = (name: string) => ({ DATA_DIR: path.join(root, name), LOG_LEVEL: 'silent' });

async function problemsOf(
  env: Record<string, string>,
  file?: unknown,
  cwd = install,
): Promise<string[]> {
  // Beside the installation's node_modules, named as an admin would, relative to it.
  const configFile = path.join(cwd, 'problem.config.json');
  if (file !== undefined) {
    writeFileSync(configFile, typeof file === 'string' ? file : JSON.stringify(file));
  }
  try {
    await loadConfig(
      file === undefined ? env : { ...env, SEALPOST_CONFIG: 'problem.config.json' },
      {
        cwd,
      },
    );
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

const quiet = () => createLogger({ level: 'silent' });

describe('the adapter registry', () => {
  it('has every built-in registered under the name the settings use', () => {
    expect(adapterRegistry.names('storage')).toEqual(['sqlite', 'postgres']);
    expect(adapterRegistry.names('blobs')).toEqual(['fs', 'database', 'azure-blob']);
    expect(adapterRegistry.names('cipher')).toEqual(['openpgp']);
    expect(adapterRegistry.names('mailer')).toEqual(['outbox', 'smtp']);
    expect(adapterRegistry.names('hasher')).toEqual(['argon2']);
  });

  it('builds the password hasher by name, its cost raised by the file and never lowered', async () => {
    const configFile = path.join(root, 'hasher.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ adapters: { hasher: { use: 'argon2', options: { timeCost: 3 } } } }),
    );
    const config = await loadConfig(
      { ...base('hasher'), SEALPOST_CONFIG: configFile },
      { cwd: root },
    );
    const hasher = adapterRegistry.build('hasher', selectedAdapter(config, 'hasher'), {} as never);
    const stored = await hasher.hash({ password: 'kettle gravel orchard stamp' });
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
    expect(await hasher.verify({ hash: stored, password: 'kettle gravel orchard stamp' })).toBe(
      true,
    );
    expect(
      await problemsOf(base('weak'), {
        adapters: { hasher: { use: 'argon2', options: { memoryCost: 1024 } } },
      }),
    ).toEqual([expect.stringMatching(/^problem\.config\.json adapters\.hasher.*memoryCost/)]);
  });

  it('refuses a name it does not have, naming those it has', () => {
    expect(() => adapterRegistry.build('blobs', { name: 'sealpost-s3' }, {} as never)).toThrowError(
      ConfigurationError,
    );
    expect(() =>
      chooseBlobStore(parseConfig({ ...base('x'), BLOB_STORE: '@x/not-loaded' })),
    ).toThrow(/No blobs adapter is named @x\/not-loaded: use one of fs, database, azure-blob/);
  });

  it('reads the environment as before when there is no file', async () => {
    const config = await loadConfig({ ...base('plain'), BLOB_STORE: 'database' }, { cwd: root });
    expect(config.blobStore).toBe('database');
    expect(config.adapters).toBeUndefined();
  });

  it("gives a built-in the options sealpost.config.json names, checked by the built-in's schema", async () => {
    const dir = path.join(root, 'elsewhere');
    const configFile = path.join(root, 'fs.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ adapters: { blobs: { use: 'fs', options: { dir } } } }),
    );
    const config = await loadConfig({ ...base('fs'), SEALPOST_CONFIG: configFile }, { cwd: root });
    const store = chooseBlobStore(config);
    await store.blobs.put({ id: 'here', body: streamOf(new Uint8Array([1])) });
    const written = readdirSync(dir, { recursive: true }).map(String);
    expect(written.some((file) => path.basename(file) === 'here')).toBe(true);
    await store.close();
    // BLOB_STORE in the environment wins over the file.
    const env = await loadConfig(
      { ...base('fs'), SEALPOST_CONFIG: configFile, BLOB_STORE: 'database' },
      { cwd: root },
    );
    expect(env.blobStore).toBe('database');
    expect(env.adapters).toBeUndefined();
  });

  it('loads a mailer package named by MAIL_TRANSPORT, with its options from MAIL_TRANSPORT_OPTIONS', async () => {
    const config = await loadConfig(
      {
        ...base('mail'),
        MAIL_TRANSPORT: '@council/sealpost-mail-keep',
        MAIL_TRANSPORT_OPTIONS: '{"tag":"t1"}',
      },
      { cwd: install },
    );
    const mailer = chooseMailer(config, quiet());
    await mailer.send({
      id: 'm1',
      mail: { to: 'a@example.org', subject: 's', text: 't', html: '<p>t</p>' } as never,
    });
    const kept = (await import(path.join(packages, '@council/sealpost-mail-keep', 'index.js'))) as {
      sent: unknown[];
    };
    expect(kept.sent).toEqual([{ tag: 't1', id: 'm1', to: 'a@example.org' }]);
  });

  it('reports every problem with every package together, one line each', async () => {
    const problems = await problemsOf(
      { ...base('bad'), PORT: 'x', MAIL_TRANSPORT_OPTIONS: '{"tag": 1' },
      {
        adapters: {
          storage: 'sealpost-nothing',
          blobs: { use: 'fs', options: { folder: '/tmp' } },
          cipher: '@council/sealpost-wrong-port#store',
          mailer: { use: '@council/sealpost-mail-keep', options: { tag: 'a' } },
        },
        plugins: [{ use: '@council/sealpost-policy-word', options: {} }, '@council/missing'],
      },
    );
    expect(problems).toEqual([
      'PORT must be a whole number from 1 to 65535 (got "x"). Example: PORT=3000',
      'problem.config.json adapters.storage: sealpost-nothing its port must be one of storage, blobs, cipher, mailer, hasher.',
      'problem.config.json adapters.storage: sealpost-nothing it has no name.',
      'problem.config.json adapters.storage: sealpost-nothing its options are not a zod schema.',
      'problem.config.json adapters.storage: sealpost-nothing it has no create function.',
      'problem.config.json adapters.blobs: fs Unrecognized key: "folder"',
      'problem.config.json adapters.cipher: @council/sealpost-wrong-port#store is a blobs adapter, not a cipher adapter.',
      'problem.config.json adapters.mailer: @council/sealpost-mail-keep option "tag": Too small: expected string to have >=2 characters',
      'problem.config.json plugins[0]: @council/sealpost-policy-word option "word": Invalid input: expected string, received undefined',
      `problem.config.json plugins[1] names @council/missing, which is not installed in ${install}: npm install it there, or set ADAPTERS_DIR to the folder it is installed in.`,
    ]);
  });

  it('says what is wrong with the file itself', async () => {
    expect(await problemsOf(base('f'), '{ "adapters": ')).toEqual([
      expect.stringMatching(/^problem\.config\.json is not valid JSON: /),
    ]);
    expect(await problemsOf(base('f'), { adapter: {}, plugins: 'x' })).toEqual([
      'problem.config.json: plugins: Invalid input: expected array, received string',
      'problem.config.json: the file: Unrecognized key: "adapter"',
    ]);
    expect(await problemsOf({ ...base('f'), SEALPOST_CONFIG: 'nope.json' })).toEqual([
      'SEALPOST_CONFIG names "nope.json", which does not exist.',
    ]);
    expect(
      await problemsOf({ ...base('f'), BLOB_STORE: 'sealpost-nothing', BLOB_STORE_OPTIONS: '[1]' }),
    ).toEqual([
      'BLOB_STORE_OPTIONS must be a JSON object of the adapter\'s options, e.g. BLOB_STORE_OPTIONS={"region":"uksouth"}',
    ]);
  });

  it('finds packages as import does: exports conditions, main, links followed', () => {
    expect(resolvePackage('@council/sealpost-mail-keep', install)).toBe(
      path.join(packages, '@council/sealpost-mail-keep', 'index.js'),
    );
    expect(resolvePackage('sealpost-nothing', path.join(install, 'node_modules'))).toBe(
      path.join(packages, 'sealpost-nothing', 'main.js'),
    );
    expect(resolvePackage('sealpost-absent', install)).toBeNull();
  });
});

describe('plugins from installed packages', () => {
  const mail: InboundMail = {
    from: 'officer@council.gov.uk',
    to: ['resident@example.com'],
    subject: 'About the PINEAPPLE case',
    headers: {},
    text: '',
    attachments: [],
  };

  it('load from sealpost.config.json with their options, and run with the built-ins', async () => {
    const configFile = path.join(install, 'sealpost.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        plugins: [{ use: '@council/sealpost-policy-word', options: { word: 'PINEAPPLE' } }],
      }),
    );
    await loadConfig(base('plugins'), { cwd: install });
    expect(installedPlugins().map((p) => p.id)).toContain('word');
    const policies = loadPlugins({ subjectKeywords: [], classificationLabels: [], dlp: {} });
    expect(policies.map((p) => p.name)).toContain('word');
    expect(await decide(policies, mail)).toMatchObject({
      action: 'encrypt',
      reasons: ['the word PINEAPPLE'],
    });
  });
});
