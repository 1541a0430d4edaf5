import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { emailKey, normaliseEmail } from '../../../core/accounts/email.ts';
import {
  type AuditExportFormat,
  exportAudit,
  recordAuditExport,
} from '../../../core/audit/export.ts';
import { type AuditHead, verifyAuditChain } from '../../../core/audit/verify.ts';
import type { AuditFilter } from '../../../core/storage/ports.ts';
import { compose } from '../../compose.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

const USAGE = `expected "verify [--anchor SEQ:HASH]" or "export --format csv|jsonl --out FILE" (see 'sealpost help')`;
const DAY_MS = 86_400_000;

function parseAnchor(value: string | undefined): AuditHead | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value.trim());
  if (!match) {
    throw new UsageError(
      'sealpost audit verify: --anchor must be SEQ:HASH as an earlier verify printed it',
    );
  }
  return { seq: Number(match[1]), hash: match[2] as string };
}

/**
 * A date flag: a day (`2026-01-31`, midnight UTC; as `--to`, the whole day is
 * included) or an ISO instant (`2026-01-31T12:00:00Z`).
 */
function parseDate(flag: string, value: string | undefined, isEnd: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(
      `sealpost audit export: ${flag} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z`,
    );
  }
  return day && isEnd ? new Date(date.getTime() + DAY_MS) : date;
}

async function verify(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('audit verify', argv, { anchor: { type: 'string' } });
  const anchor = parseAnchor(flags.anchor);
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const result = await verifyAuditChain(app, anchor ? { anchor } : {});
    if (!result.ok) {
      ctx.err(
        `audit trail BROKEN at event ${result.broken.seq}: ${result.broken.reason} (${result.checked} events before it hold)`,
      );
      return 1;
    }
    if (!result.head) {
      ctx.out('audit trail is empty');
      return 0;
    }
    ctx.out(`audit trail intact: ${result.checked} events`);
    ctx.out(`head ${result.head.seq}:${result.head.hash}`);
    ctx.out(
      'Keep the head line somewhere else; --anchor with it later also catches a trail cut short.',
    );
    return 0;
  } finally {
    await app.close();
  }
}

async function exportTrail(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('audit export', argv, {
    format: { type: 'string' },
    out: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    actor: { type: 'string' },
    target: { type: 'string' },
  });
  const format = required('audit export', flags.format, '--format');
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError('sealpost audit export: --format must be csv or jsonl');
  }
  const out = required('audit export', flags.out, '--out');
  const filter: AuditFilter = {};
  const from = parseDate('--from', flags.from, false);
  const to = parseDate('--to', flags.to, true);
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (flags.target !== undefined)
    filter.targetId = required('audit export', flags.target, '--target');

  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    if (flags.actor !== undefined) {
      const actor = required('audit export', flags.actor, '--actor');
      // An address names the account that acted; anything else is taken as an id.
      const address = actor.includes('@') ? normaliseEmail(actor) : null;
      if (address && !address.ok) {
        throw new UsageError(`sealpost audit export: --actor is not a valid address`);
      }
      if (address?.ok) {
        const account = await app.storage.repos.accounts.findByEmailKey({
          emailKey: emailKey(address.email),
        });
        if (!account) {
          throw new UsageError(
            'sealpost audit export: no account has that address; give the account id instead',
          );
        }
        filter.actorId = account.id;
      } else {
        filter.actorId = actor;
      }
    }
    // 'wx': an export never overwrites a file, least of all an earlier export.
    const file = createWriteStream(out, { flags: 'wx', mode: 0o600 });
    await once(file, 'open').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST'
        ? new UsageError(`sealpost audit export: ${out} already exists; choose a new file name`)
        : error;
    });
    let lines = 0;
    await recordAuditExport(app, {
      actor: { id: null, label: 'cli:sealpost audit export', ip: null },
      format: format as AuditExportFormat,
      filter,
    });
    for await (const line of exportAudit(app, { format: format as AuditExportFormat, filter })) {
      if (!file.write(line)) await once(file, 'drain');
      lines++;
    }
    file.end();
    await finished(file);
    const events = format === 'csv' ? lines - 1 : lines;
    ctx.out(`Wrote ${events} audit events to ${out}`);
    return 0;
  } finally {
    await app.close();
  }
}

/**
 * `sealpost audit verify [--anchor SEQ:HASH]` walks the tamper-evident audit trail and
 * names the first broken link (exit 1); `sealpost audit export --format csv|jsonl --out
 * FILE [--from DATE] [--to DATE] [--actor EMAIL|ID] [--target ID]` writes it out.
 */
export async function runAudit(ctx: CommandContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return verify(ctx, rest);
  if (sub === 'export') return exportTrail(ctx, rest);
  throw new UsageError(`sealpost audit: ${USAGE}`);
}
