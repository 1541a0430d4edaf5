import type { Account } from '../accounts/model.ts';
import { mailboxesOf } from '../mailboxes/membership.ts';
import { type DraftDeps, openDraft } from './drafts.ts';
import type { Draft } from './model.ts';

// Enough for a person who timed out in several tabs; older drafts are not looked at.
const NEWEST = 10;

/**
 * The draft a person was writing when their session timed out, saved for them then
 * (`savedOnTimeout`) and not yet seen: saved after `since`, their previous sign-in.
 * After signing in again they are taken straight back to it; once they have signed in
 * since, it is an ordinary draft in their list. Null when there is none.
 *
 * Only drafts saved after `since` are decrypted, newest first, so a sign-in costs
 * nothing more for someone who did not time out.
 */
export async function findTimeoutDraft(
  deps: DraftDeps,
  input: { accountId: string; since: Date | null; savedBy?: string },
): Promise<Draft | null> {
  const drafts = await deps.storage.repos.drafts.listForAccount({
    accountId: input.accountId,
    limit: NEWEST,
    offset: 0,
  });
  const since = input.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  for (const draft of drafts) {
    if (draft.updatedAt.getTime() <= since) break;
    const opened = await openDraft(deps, { accountId: input.accountId, draftId: draft.id });
    if (!opened?.content.savedOnTimeout) continue;
    if (input.savedBy !== undefined && opened.content.savedBy !== input.savedBy) continue;
    return opened.draft;
  }
  return null;
}

/**
 * As `findTimeoutDraft`, for a person who may act for shared mailboxes (decision 0028):
 * their own drafts first, then each mailbox's drafts for one this person was writing
 * there when their session ended. `mailboxId` names the mailbox to act for again, or
 * null for their own.
 */
export async function findTimeoutDraftFor(
  deps: DraftDeps,
  input: { person: Account; since: Date | null; genericAllowed: boolean },
): Promise<{ draft: Draft; mailboxId: string | null } | null> {
  const { person, since } = input;
  const own = await findTimeoutDraft(deps, { accountId: person.id, since });
  if (own) return { draft: own, mailboxId: null };
  const { mailboxes } = await mailboxesOf(deps.storage.repos, {
    person,
    genericAllowed: input.genericAllowed,
  });
  for (const mailbox of mailboxes) {
    const draft = await findTimeoutDraft(deps, {
      accountId: mailbox.id,
      since,
      savedBy: person.id,
    });
    if (draft) return { draft, mailboxId: mailbox.id };
  }
  return null;
}
