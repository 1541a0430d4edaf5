import { recordAudit } from '../audit/record.ts';
import { type AdminActor, type AdminDeps, auditActor } from './deps.ts';

/** The outcome of putting a failed mail back in the queue. */
export type RetryMailResult =
  | { ok: true }
  /** No such mail, or it is no longer `failed` (retried already, or sent). */
  | { ok: false; reason: 'not-found' | 'not-failed' };

/**
 * Puts a mail that gave up back in the outbox queue: `pending`, due now, with its
 * attempts counted from zero again so it gets the full run of retries (the last
 * error stays until the next attempt replaces it). Records `mail.retry` with the
 * mail's id and kind, never its address or content.
 */
export function retryFailedMail(
  deps: Pick<AdminDeps, 'storage' | 'ids' | 'clock' | 'secrets'>,
  input: { mailId: string; actor: AdminActor },
): Promise<RetryMailResult> {
  return deps.storage.transaction(async (repos): Promise<RetryMailResult> => {
    const mail = await repos.outbox.findById({ id: input.mailId });
    if (!mail) return { ok: false, reason: 'not-found' };
    if (mail.status !== 'failed') return { ok: false, reason: 'not-failed' };
    await repos.outbox.update({
      mail: {
        ...mail,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: deps.clock.now(),
        leaseUntil: null,
      },
    });
    await recordAudit(deps, repos, {
      action: 'mail.retry',
      ...auditActor(input.actor),
      targetType: 'mail',
      targetId: mail.id,
      details: { kind: mail.kind, attempts: mail.attempts },
    });
    return { ok: true };
  });
}
