import type { Account } from '../accounts/model.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccessRequest } from './model.ts';

/**
 * The requests for more time that `account` made and the originator has not decided
 * yet, by delivery id: the mailbox shows "requested" instead of the button for these.
 */
export async function pendingExtensions(
  repos: Pick<Repositories, 'accessRequests'>,
  account: Pick<Account, 'id'>,
): Promise<Map<string, AccessRequest>> {
  const requests = await repos.accessRequests.listForRequester({ requesterId: account.id });
  const pending = new Map<string, AccessRequest>();
  for (const request of requests) {
    if (request.kind === 'extension' && request.status === 'pending') {
      pending.set(request.deliveryId, request);
    }
  }
  return pending;
}
