import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { emailKey, normaliseEmail } from '../../../core/accounts/email.ts';
import { sendMessage } from '../../../core/messages/send-message.ts';
import { emailProblemText, sendIssuesText } from '../../../views/codes.ts';
import { stringsFor } from '../../../views/strings/index.ts';
import { compose } from '../../compose.ts';
import { contentTypeFor } from '../../files/content-type.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads the body from a file, or from standard input when no file is given. */
async function readBody(file: string | undefined): Promise<string> {
  const stream = file ? createReadStream(file) : process.stdin;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) throw new UsageError('sealpost send: the body is larger than 10 MB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `sealpost send`: sends a secure message from a staff account, for scripts.
 * Prints the new message id; bad input is one line on stderr and exit code 2.
 */
export async function runSend(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('send', argv, {
    from: { type: 'string' },
    to: { type: 'string', multiple: true },
    cc: { type: 'string', multiple: true },
    subject: { type: 'string' },
    'body-file': { type: 'string' },
    attach: { type: 'string', multiple: true },
    'read-only': { type: 'boolean' },
    'second-factor': { type: 'boolean' },
    'expires-days': { type: 'string' },
  });
  const from = required('send', flags.from, '--from');
  const subject = required('send', flags.subject, '--subject');
  const to = flags.to ?? [];
  if (to.length === 0)
    throw new UsageError("sealpost send: --to is required (see 'sealpost help')");
  let accessDays: number | undefined;
  if (flags['expires-days'] !== undefined) {
    accessDays = Number(flags['expires-days']);
    if (!Number.isInteger(accessDays) || accessDays < 1 || accessDays > 3650) {
      throw new UsageError(
        'sealpost send: --expires-days must be a whole number of days from 1 to 3650',
      );
    }
  }
  const attachments = (flags.attach ?? []).map((file) => {
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      throw new UsageError(`sealpost send: cannot read attachment ${file}`);
    }
    return { file, size };
  });
  if (flags['body-file']) {
    try {
      statSync(flags['body-file']);
    } catch {
      throw new UsageError(`sealpost send: cannot read body file ${flags['body-file']}`);
    }
  }
  const fromAddress = normaliseEmail(from);
  if (!fromAddress.ok)
    throw new UsageError(
      `sealpost send: --from is not a valid address: ${emailProblemText(stringsFor('en'), fromAddress.problem)}`,
    );
  const body = await readBody(flags['body-file']);

  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const sender = await app.storage.repos.accounts.findByEmailKey({
      emailKey: emailKey(fromAddress.email),
    });
    if (sender?.kind !== 'staff' || sender.status !== 'active' || sender.role === 'auditor') {
      throw new UsageError(`sealpost send: ${from} is not an active staff sender`);
    }
    const result = await sendMessage(
      { ...app, publicUrl: ctx.config.publicUrl },
      await app.settings.get(),
      {
        senderId: sender.id,
        to,
        cc: flags.cc ?? [],
        subject,
        body,
        bodyFormat: 'text',
        attachments: attachments.map(({ file }) => ({
          name: path.basename(file),
          contentType: contentTypeFor(file),
          content: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
        })),
        readOnly: flags['read-only'] === true,
        // Recipients must prove a second factor in the session that opens it (step-up).
        secondFactorRequired: flags['second-factor'] === true,
        accessDays,
        classification: null,
        source: 'cli',
        ip: null,
      },
    );
    if (!result.ok)
      throw new UsageError(
        `sealpost send: ${Object.values(sendIssuesText(stringsFor('en'), result.issues)).join(' ')}`,
      );
    ctx.out(result.messageId);
    return 0;
  } finally {
    await app.close();
  }
}
