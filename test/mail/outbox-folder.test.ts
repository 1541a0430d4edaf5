import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logging/logger.ts';
import { outboxFolderMailer } from '../../adapters/mail/outbox-folder.ts';
import type { MailContent } from '../../core/mail/model.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { tempDir } from '../support/cli.ts';

const FROM = 'Barnet Council <no-reply@barnet.gov.uk>';
// The shape of a real link token (`<id>.<secret>`, base32), which the logger scrubs.
const TOKEN = 'abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyz234567';
const LINK = `https://portal.example/r/${TOKEN}`;

const mail = (over: Partial<MailContent> = {}): MailContent => ({
  to: 'jane.doe@example.org',
  subject: 'Secure message from Barnet Council',
  text: `Open this link:\n${LINK}\n\nThen sign in at https://portal.example/ next time.`,
  html: `<p><a href="${LINK}">Read the secure message</a></p>`,
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...over,
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

function setup(options: { logLinks?: boolean } = {}) {
  const dir = path.join(tempDir('sealpost-outbox-'), 'outbox');
  const { lines, logger } = capture();
  const links: string[] = [];
  const mailer = outboxFolderMailer({
    dir,
    from: FROM,
    logger,
    logLinks: options.logLinks,
    linkOutput: (line) => links.push(line),
  });
  return { dir, lines, links, mailer };
}

describe('outboxFolderMailer', () => {
  it('writes one RFC 5322 file per mail, named by the outbox id', async () => {
    const { dir, mailer } = setup();
    expect(await mailer.send({ id: 'm0001', mail: mail() })).toEqual({ ok: true });
    expect(readdirSync(dir)).toEqual(['m0001.eml']);
    const file = path.join(dir, 'm0001.eml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.messageId).toBe('<m0001@barnet.gov.uk>');
    expect(parsed.from?.value).toEqual([
      { name: 'Barnet Council', address: 'no-reply@barnet.gov.uk' },
    ]);
    expect(parsed.subject).toBe('Secure message from Barnet Council');
    expect(parsed.text?.trim()).toBe(mail().text);
    expect(parsed.html).toContain(LINK);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.date).toBeInstanceOf(Date);
  });

  it('replaces the file when the same id is sent again, leaving no temporary files', async () => {
    const { dir, mailer } = setup();
    await mailer.send({ id: 'm0002', mail: mail({ subject: 'First try' }) });
    await mailer.send({ id: 'm0002', mail: mail({ subject: 'Second try' }) });
    expect(readdirSync(dir)).toEqual(['m0002.eml']);
    const parsed = await simpleParser(readFileSync(path.join(dir, 'm0002.eml')));
    expect(parsed.subject).toBe('Second try');
  });

  it('logs a line without the recipient, and the link only when logLinks is on', async () => {
    const quiet = setup();
    await quiet.mailer.send({ id: 'm0003', mail: mail() });
    const logged = quiet.lines.join('');
    expect(JSON.parse(logged)).toMatchObject({
      msg: 'mail written to the outbox folder',
      outboxId: 'm0003',
    });
    expect(logged).not.toContain('jane.doe');
    expect(logged).not.toContain(TOKEN);
    expect(quiet.links).toEqual([]);

    const loud = setup({ logLinks: true });
    await loud.mailer.send({ id: 'm0004', mail: mail() });
    expect(loud.links).toHaveLength(1);
    expect(loud.links[0]).toContain(`first link: ${LINK}`);
    expect(loud.links[0]).toContain('m0004');
    expect(loud.links[0]).not.toContain('jane.doe');
    expect(loud.lines.join('')).not.toContain(TOKEN);
  });

  it('refuses header injection and ids that are not file names', async () => {
    const { dir, mailer } = setup();
    for (const [id, m] of [
      ['m0005', mail({ subject: 'Hi\r\nBcc: x@evil.example' })],
      ['m0006', mail({ headers: { 'X-A': 'b\nBcc: x@evil.example' } })],
      ['m0007', mail({ to: 'a@example.org\nBcc: x@evil.example' })],
      ['../escape', mail()],
      ['a/b', mail()],
      ['', mail()],
    ] as const) {
      expect(await mailer.send({ id, mail: m }), id).toMatchObject({ ok: false, permanent: true });
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(path.dirname(dir))).toEqual(['outbox']);
  });

  it('reports a folder it cannot write as a temporary failure', async () => {
    const { dir, mailer } = setup();
    // A file where the folder was: ENOTDIR even for root, which ignores permissions.
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a folder');
    const result = await mailer.send({ id: 'm0008', mail: mail() });
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toEqual({ code: 'folder-unwritable', detail: 'ENOTDIR' });
  });

  it('clears temporary files a crash left behind, but not ones being written', () => {
    const dir = path.join(tempDir('sealpost-outbox-'), 'outbox');
    mkdirSync(dir);
    const old = path.join(dir, '.m0009.aaaa.tmp');
    const fresh = path.join(dir, '.m0010.bbbb.tmp');
    writeFileSync(old, 'half a mail');
    writeFileSync(fresh, 'half a mail');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    outboxFolderMailer({ dir, from: FROM, logger: capture().logger });
    expect(readdirSync(dir)).toEqual(['.m0010.bbbb.tmp']);
  });

  it('throws ConfigurationError for unusable options', () => {
    const { logger } = capture();
    const file = path.join(tempDir('sealpost-outbox-'), 'file');
    writeFileSync(file, 'x');
    for (const options of [
      { dir: '', from: FROM },
      { dir: tempDir(), from: 'not an address' },
      { dir: tempDir(), from: 'a@x.example\r\nBcc: b@x.example' },
      { dir: path.join(file, 'outbox'), from: FROM },
    ]) {
      expect(() => outboxFolderMailer({ ...options, logger }), JSON.stringify(options)).toThrow(
        ConfigurationError,
      );
    }
  });
});
