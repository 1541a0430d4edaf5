import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { mailFailure } from '../../core/mail/failure.ts';
import { findUnsafeHeader } from '../../core/mail/outbox-worker.ts';
import type { Mailer } from '../../core/mail/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { syncPath } from '../files/sync-path.ts';
import type { Logger } from '../logging/logger.ts';
import { composeOptions, firstLink, isSafeMailId, parseSender } from './message.ts';

/** Options of the outbox-folder transport. */
export type OutboxFolderOptions = {
  /** The folder the `.eml` files go to, normally `DATA_DIR/outbox`; created if missing. */
  dir: string;
  /** The From header, e.g. `Barnet Council <no-reply@barnet.gov.uk>`. */
  from: string;
  logger: Logger;
  /**
   * Also print the first link of each mail, token included, so an admin of a new
   * install with no mail server can follow a registration link. A link is a
   * credential: only for development or a first set-up, and never with SMTP.
   * Off by default.
   */
  logLinks?: boolean;
  /**
   * Where link lines go when `logLinks` is on; standard error by default. They do not
   * go through the logger because the logger scrubs tokens, which is the point of it.
   */
  linkOutput?: (line: string) => void;
};

// A temporary file older than this is left over from a crash, not being written.
const STALE_TEMP_MS = 3_600_000;
const TEMP_FILE = /^\..+\.tmp$/;

function removeStaleTempFiles(dir: string, logger: Logger): void {
  const before = Date.now() - STALE_TEMP_MS;
  for (const name of readdirSync(dir)) {
    if (!TEMP_FILE.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (statSync(file).mtimeMs < before) unlinkSync(file);
    } catch (error) {
      logger.warn({ err: error, file }, 'could not remove a stale outbox temporary file');
    }
  }
}

/**
 * The zero-config transport: each mail becomes `<dir>/<outbox id>.eml`, an RFC 5322
 * message any mail client opens. The file is written to a temporary name, synced and
 * renamed, so a reader never sees half a mail; a retry of the same id replaces the
 * file, so each mail is there exactly once whatever crashes (docs/decisions/0009).
 */
export function outboxFolderMailer(options: OutboxFolderOptions): Mailer {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') {
    throw new ConfigurationError('The outbox folder path is empty; set DATA_DIR.');
  }
  const sender = parseSender(options.from, 'MAIL_FROM');
  const logger = options.logger;
  const dir = path.resolve(options.dir);
  const printLink =
    options.linkOutput ?? ((line: string) => void process.stderr.write(`${line}\n`));
  try {
    // 0700 / 0600: the files hold sign-in links, readable by the service account only.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeStaleTempFiles(dir, logger);
  } catch (error) {
    throw new ConfigurationError(
      `The outbox folder ${dir} cannot be used (${(error as Error).message}). Check DATA_DIR and its permissions.`,
    );
  }

  return {
    async send({ id, mail }) {
      if (!isSafeMailId(id)) {
        return { ok: false, permanent: true, error: { code: 'bad-id' } };
      }
      const unsafe = findUnsafeHeader(mail);
      if (unsafe) return { ok: false, permanent: true, error: unsafe };

      let bytes: Buffer;
      try {
        bytes = await new MailComposer(composeOptions({ id, mail, sender })).compile().build();
      } catch (error) {
        logger.warn({ err: error, outboxId: id }, 'could not build the mail');
        return { ok: false, permanent: true, error: { code: 'build-failed' } };
      }

      const file = path.join(dir, `${id}.eml`);
      const temp = path.join(dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const handle = await open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // rename() replaces atomically: a retry overwrites, never adds a second copy.
        await rename(temp, file);
        await syncPath(dir);
      } catch (error) {
        await unlink(temp).catch(() => {});
        logger.warn({ err: error, outboxId: id }, 'could not write the mail to the outbox folder');
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        return { ok: false, permanent: false, error: mailFailure('folder-unwritable', code) };
      }

      logger.info({ outboxId: id, file, to: mail.to }, 'mail written to the outbox folder');
      if (options.logLinks) {
        const link = firstLink(mail.text);
        printLink(`Sealpost outbox: mail ${id} (${file}) first link: ${link ?? '(none)'}`);
      }
      return { ok: true };
    },
    async close() {
      // Nothing stays open between sends.
    },
  };
}
