import type { Account } from '../accounts/model.ts';
import type { AuditEvent } from '../audit/model.ts';
import type { Repositories } from '../storage/ports.ts';

/** One thing a member did with a team mailbox's message: who, what, when. */
export type TeamActivity = {
  kind: 'opened' | 'replied';
  /** The member's name (their address when they have none, or were deleted). */
  by: string;
  at: Date;
};

/** Events as many as a busy team's message could gather; older ones are not shown. */
const LIMIT = 200;

/**
 * Who on a team opened or answered one of its messages, oldest first, from the audit
 * trail: opens are recorded against the delivery, replies against the original message,
 * and both, when a member acts for the team, name the member and carry the team's
 * `mailboxId` (core/audit/record.ts `asActed`). Events for anyone else's copy of the
 * message are left out. Repeat opens by the same member are shown once, at the first.
 */
export async function teamActivity(
  repos: Pick<Repositories, 'audit' | 'accounts'>,
  input: { mailboxId: string; deliveryId: string; messageId: string },
): Promise<TeamActivity[]> {
  const [opens, replies] = await Promise.all([
    repos.audit.list({
      filter: { targetId: input.deliveryId, action: 'message.open' },
      limit: LIMIT,
    }),
    repos.audit.list({
      filter: { targetId: input.messageId, action: 'message.reply' },
      limit: LIMIT,
    }),
  ]);
  const ours = (e: AuditEvent) => e.details.mailboxId === input.mailboxId;
  const seen = new Set<string>();
  const firstOpens = opens.filter(ours).filter((e) => {
    const key = e.actorId ?? e.actorLabel ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const events = [
    ...firstOpens.map((e) => ({ kind: 'opened' as const, e })),
    ...replies.filter(ours).map((e) => ({ kind: 'replied' as const, e })),
  ].sort((a, b) => a.e.seq - b.e.seq);
  const names = await namesOf(
    repos,
    events.map(({ e }) => e),
  );
  return events.map(({ kind, e }) => ({
    kind,
    by: names.get(e.actorId ?? '') || e.actorLabel || '',
    at: e.at,
  }));
}

/**
 * Who first opened each of a team's deliveries, for its inbox list: one indexed read of
 * the trail per delivery (the audit events' target index), so call it only for the
 * rows on one page that have been opened. Deliveries nobody opened are left out.
 */
export async function firstOpeners(
  repos: Pick<Repositories, 'audit' | 'accounts'>,
  input: { mailboxId: string; deliveryIds: string[] },
): Promise<Map<string, string>> {
  const firsts = await Promise.all(
    input.deliveryIds.map(async (deliveryId) => {
      const opens = await repos.audit.list({
        filter: { targetId: deliveryId, action: 'message.open' },
        limit: 1,
      });
      const first = opens[0];
      return first && first.details.mailboxId === input.mailboxId ? first : null;
    }),
  );
  const found = firsts.filter((e): e is AuditEvent => e !== null);
  const names = await namesOf(repos, found);
  const out = new Map<string, string>();
  for (const e of found) {
    out.set(e.targetId ?? '', names.get(e.actorId ?? '') || e.actorLabel || '');
  }
  return out;
}

/** Each actor's name, looked up once. */
async function namesOf(
  repos: Pick<Repositories, 'accounts'>,
  events: AuditEvent[],
): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((e) => e.actorId).filter((id): id is string => !!id))];
  const accounts = await Promise.all(ids.map((id) => repos.accounts.findById({ id })));
  return new Map(
    accounts.filter((a): a is Account => a !== null).map((a) => [a.id, a.displayName]),
  );
}
