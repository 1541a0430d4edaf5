import { createStaffAccount } from '../../../core/accounts/create-staff.ts';
import { createStaffIssueText } from '../../../views/codes.ts';
import { stringsFor } from '../../../views/strings/index.ts';
import { compose } from '../../compose.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

/** `sealpost admin create --email E --name N`: a staff admin and their set-password link. */
export async function runAdminCreate(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('admin create', argv, {
    email: { type: 'string' },
    name: { type: 'string' },
  });
  const email = required('admin create', flags.email, '--email');
  const name = required('admin create', flags.name, '--name');
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }) });
  try {
    const result = await createStaffAccount(app, { email, name, role: 'admin', actorId: null });
    if (!result.ok) {
      const en = stringsFor('en');
      const words = Object.values(result.issues).map((issue) => createStaffIssueText(en, issue));
      throw new UsageError(`sealpost admin create: ${words.join(' ')}`);
    }
    ctx.out(`Created admin ${result.account.email}.`);
    ctx.out(
      `Set a password within 7 days at: ${ctx.config.publicUrl}/set-password/${result.setPasswordToken}`,
    );
    return 0;
  } finally {
    await app.close();
  }
}
