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
  input: { accountId: string; since: Date | null },
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
    if (opened?.content.savedOnTimeout) return opened.draft;
  }
  return null;
}
