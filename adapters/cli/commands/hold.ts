import { type HoldTarget, setLegalHold } from '../../../core/subjects/legal-hold.ts';
import { compose } from '../../compose.ts';
import { subjectDepsFrom } from '../../jobs/deps.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const USAGE =
  'expected "set --message ID", "set --email E", "clear --message ID" or "clear --email E" (see \'sealpost help\')';

/**
 * `sealpost hold set|clear --message ID | --email E`: places or lifts a legal hold. While
 * it holds, no job and no erasure deletes the message, or anything the person sent or
 * received (docs/privacy.md). Message ids are in the audit trail and on staff pages.
 */
export async function runHold(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'set' && sub !== 'clear') throw new UsageError(`sealpost hold: ${USAGE}`);
  const command = `hold ${sub}`;
  const flags = parseFlags(command, rest, {
    message: { type: 'string' },
    email: { type: 'string' },
  });
  const message = flags.message?.trim() ?? '';
  const email = flags.email?.trim() ?? '';
  if ((message === '') === (email === '')) {
    throw new UsageError(`sealpost ${command}: give either --message ID or --email E`);
  }
  const target: HoldTarget =
    message !== '' ? { kind: 'message', id: message } : { kind: 'person', email };
  const hold = sub === 'set';
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const result = await setLegalHold(subjectDepsFrom(app), {
      target,
      hold,
      actor: { id: null, label: `cli:sealpost ${command}`, ip: null },
    });
    const what = target.kind === 'message' ? `message ${target.id}` : `the person ${email}`;
    if (!result.ok) {
      ctx.err(
        `sealpost ${command}: Sealpost has no ${target.kind === 'message' ? 'message with that id' : 'account with that address'}; nothing was changed.`,
      );
      return 1;
    }
    if (!result.changed) {
      ctx.out(`No change: ${what} ${hold ? 'was already' : 'was not'} under a legal hold.`);
    } else if (hold) {
      ctx.out(
        `Legal hold placed on ${what}: retention, unretrieved-message deletion and erasure will leave ${target.kind === 'message' ? 'it' : 'everything they sent or received'} in place until it is lifted.`,
      );
    } else {
      ctx.out(`Legal hold lifted from ${what}: the usual retention applies from the next run.`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
