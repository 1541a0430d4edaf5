import { mkdir, open, readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { ExportSink } from '../../../core/subjects/deps.ts';
import { eraseSubject } from '../../../core/subjects/erase-subject.ts';
import { exportSubject } from '../../../core/subjects/export-subject.ts';
import { stringsFor } from '../../../views/strings/index.ts';
import { compose } from '../../compose.ts';
import { subjectDepsFrom } from '../../jobs/deps.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const USAGE =
  'expected "export --email E --out DIR" or "erase --email E [--dry-run]" (see \'sealpost help\')';
/** Who the audit trail says acted: the admin at the server's command line. */
const CLI_ACTOR = { id: null, label: 'cli:sealpost subject', ip: null };

/**
 * Files under `dir`, each written once (never over anything) and readable by the
 * owner only: the export holds decrypted messages. A path that would leave `dir` is
 * refused, whatever the export asks for.
 */
function folderSink(dir: string): ExportSink {
  return {
    async write({ path: relative, body }) {
      const file = path.resolve(dir, relative);
      if (!file.startsWith(`${dir}${path.sep}`)) throw new Error(`unsafe export path ${relative}`);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const handle = await open(file, 'wx', 0o600);
      try {
        for await (const chunk of body) await handle.write(chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}

/** Makes `dir` (0700), which must not exist or be empty, so no export mixes with another. */
async function prepareFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await readdir(dir)).length > 0) {
    throw new UsageError(`sealpost subject export: ${dir} is not empty; give a new folder`);
  }
}

async function exportCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('subject export', argv, {
    email: { type: 'string' },
    out: { type: 'string' },
  });
  const email = required('subject export', flags.email, '--email');
  const dir = path.resolve(required('subject export', flags.out, '--out'));
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    await prepareFolder(dir);
    const result = await exportSubject(subjectDepsFrom(app), {
      email,
      scope: 'subject-access',
      sink: folderSink(dir),
      actor: CLI_ACTOR,
      words: stringsFor('en').dataExport,
    });
    if (!result.ok) {
      await rmdir(dir).catch(() => {});
      ctx.out('Sealpost holds nothing about that address.');
      return 0;
    }
    const s = result.summary;
    ctx.out(
      `Exported ${s.files} files to ${dir}: ${s.received} messages received, ${s.sent} sent, ${s.drafts} drafts, ${s.contacts} contacts, ${s.auditEvents} audit events.`,
    );
    if (s.accountId)
      ctx.out(`Account id: ${s.accountId} (for your records; the audit trail names it)`);
    ctx.out('The folder holds decrypted messages: hand it over securely, then delete it.');
    return 0;
  } finally {
    await app.close();
  }
}

async function eraseCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('subject erase', argv, {
    email: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const email = required('subject erase', flags.email, '--email');
  const dryRun = flags['dry-run'] === true;
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const result = await eraseSubject(subjectDepsFrom(app), { email, dryRun, actor: CLI_ACTOR });
    if (!result.ok) {
      const why = {
        'not-found': 'Sealpost has no account with that address; nothing to erase.',
        'person-on-hold':
          'That person is under a legal hold: nothing of theirs may be erased. Nothing was changed.',
        staff:
          'That is a staff account: what staff send are council records. Disable the account instead. Nothing was changed.',
      }[result.reason];
      ctx.err(why);
      return result.reason === 'not-found' ? 0 : 1;
    }
    const p = result.plan;
    const verb = dryRun ? 'Would erase' : 'Erased';
    ctx.out(`${verb} account ${p.accountId}:`);
    ctx.out(`  messages they sent:               ${p.sentMessages}`);
    ctx.out(`  their copies of messages to them: ${p.receivedCopies}`);
    ctx.out(`  drafts:                           ${p.drafts}`);
    ctx.out(`  contacts and groups:              ${p.contacts} and ${p.contactGroups}`);
    ctx.out(`  entries in others' address books: ${p.namedInAddressBooks}`);
    ctx.out(`  sessions:                         ${p.sessions}`);
    ctx.out(`  emails queued or sent to them:    ${p.emailsToAddress}`);
    if (p.heldMessageIds.length > 0) {
      ctx.out(
        `Kept under legal hold (not touched): ${p.heldMessageIds.length} messages: ${p.heldMessageIds.join(', ')}`,
      );
      ctx.out(
        `The account ${dryRun ? 'would stay' : 'stays'}, disabled and without password, while the hold lasts.`,
      );
    }
    if (dryRun) ctx.out('Dry run: nothing was changed.');
    else ctx.out('The audit trail keeps the record of what was done, and this erasure.');
    return 0;
  } finally {
    await app.close();
  }
}

/**
 * `sealpost subject export --email E --out DIR` answers a subject access request;
 * `sealpost subject erase --email E [--dry-run]` erases a person (docs/privacy.md).
 */
export async function runSubject(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return exportCommand(ctx, rest);
  if (sub === 'erase') return eraseCommand(ctx, rest);
  throw new UsageError(`sealpost subject: ${USAGE}`);
}
