import { emailKey, normaliseEmail } from '../accounts/email.ts';
import { recordAudit } from '../audit/record.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { SubjectActor } from './deps.ts';

/** What placing or lifting a legal hold needs. */
export type LegalHoldDeps = { storage: Storage; ids: Ids; clock: Clock; secrets: Secrets };

/** What the hold is on: one message (every copy of it), or a person (all they sent and got). */
export type HoldTarget = { kind: 'message'; id: string } | { kind: 'person'; email: string };

export type LegalHoldResult =
  | { ok: true; changed: boolean; targetId: string }
  | { ok: false; reason: 'not-found' };

/**
 * Places (`hold: true`) or lifts a legal hold, for litigation or an investigation. While
 * it holds, the retention purge, the unretrieved-message deletion and a subject erasure
 * leave the message (or everything about the person) in place; lifting it lets them act
 * at their next run. Recorded as `legal-hold.set` or `legal-hold.clear`, even when the
 * flag was already so (the request itself is worth a line in the trail), with
 * `changed` saying whether it was.
 */
export async function setLegalHold(
  deps: LegalHoldDeps,
  args: { target: HoldTarget; hold: boolean; actor: SubjectActor },
): Promise<LegalHoldResult> {
  const { target, hold, actor } = args;
  return deps.storage.transaction(async (repos) => {
    let targetId: string;
    let was: boolean;
    if (target.kind === 'message') {
      const message = await repos.messages.findById({ id: target.id });
      if (!message) return { ok: false, reason: 'not-found' } as const;
      targetId = message.id;
      was = message.legalHold;
      if (was !== hold) await repos.messages.setLegalHold({ id: message.id, legalHold: hold });
    } else {
      const normalised = normaliseEmail(target.email.trim());
      const found = normalised.ok
        ? await repos.accounts.findByEmailKey({ emailKey: emailKey(normalised.email) })
        : null;
      const account = found
        ? await repos.accounts.findById({ id: found.id, forUpdate: true })
        : null;
      if (!account) return { ok: false, reason: 'not-found' } as const;
      targetId = account.id;
      was = account.legalHold;
      if (was !== hold) {
        await repos.accounts.update({
          account: { ...account, legalHold: hold, updatedAt: deps.clock.now() },
        });
      }
    }
    await recordAudit(deps, repos, {
      action: hold ? 'legal-hold.set' : 'legal-hold.clear',
      actorId: actor.id,
      actorLabel: actor.label,
      ip: actor.ip,
      targetType: target.kind === 'message' ? 'message' : 'account',
      targetId,
      details: { changed: was !== hold },
    });
    return { ok: true, changed: was !== hold, targetId } as const;
  });
}
