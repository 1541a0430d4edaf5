import type { Hono } from 'hono';
import type { AccessRequest } from '../../../../core/access/model.ts';
import { decideAccessRequest } from '../../../../core/access/requests.ts';
import { decryptText } from '../../../../core/messages/open-message.ts';
import {
  RequestPage,
  RequestsPage,
  type RequestView,
} from '../../../../views/pages/staff/requests.tsx';
import { requestPath, STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import {
  canSend,
  formOf,
  notFound,
  type StaffAccount,
  type StaffAreaDeps,
  staffOf,
  staffPageProps,
} from './context.ts';
import { idParam } from './params.ts';

/** Requests listed on the page, waiting and decided each. */
const LIST_SIZE = 50;

/**
 * Access requests about the sender's own messages: more time for an expired copy, or a
 * forward outside the council. `decideAccessRequest` grants or refuses, queues the email
 * to the requester and records `access.grant` or `access.deny`, all in one transaction.
 * A request about someone else's message is the same 404 as a missing one; auditors
 * decide nothing, so the whole page is theirs to not find.
 */
export function requestRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const repos = () => deps.mailbox.storage.repos;

  /** A request as the pages show it, with subject and requester. */
  const view = async (request: AccessRequest): Promise<RequestView> => {
    const [message, requester, delivery] = await Promise.all([
      repos().messages.findById({ id: request.messageId }),
      repos().accounts.findById({ id: request.requesterId }),
      repos().deliveries.findById({ id: request.deliveryId }),
    ]);
    return {
      id: request.id,
      kind: request.kind,
      status: request.status,
      requesterEmail: requester?.email ?? '',
      forwardToEmail: request.forwardToEmail,
      addresseeEmail: request.kind === 'link' ? (delivery?.recipientEmail ?? null) : null,
      reason: request.reasonEnc ? await decryptText(deps.mailbox, request.reasonEnc) : null,
      messageId: request.messageId,
      subject: message ? await decryptText(deps.mailbox, message.subjectEnc) : '',
      createdAt: request.createdAt,
      decidedAt: request.decidedAt,
      // For a link request the addressee's end of access says nothing about the requester.
      accessEndsAt: request.kind === 'link' ? null : (delivery?.accessEndsAt ?? null),
    };
  };

  /** The request if it is about one of `account`'s own messages, else null. */
  const ownRequest = async (account: StaffAccount, id: string) => {
    const request = await repos().accessRequests.findById({ id });
    if (!request) return null;
    const message = await repos().messages.findById({ id: request.messageId });
    return message?.senderId === account.id ? request : null;
  };

  area.get(STAFF_PATHS.requests, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const page = { limit: LIST_SIZE, offset: 0 };
    const all = await repos().accessRequests.listForSender({ senderId: account.id, ...page });
    const pending = all.filter((r) => r.status === 'pending');
    const decided = all.filter((r) => r.status !== 'pending');
    const done = c.req.query('done');
    return c.html(
      RequestsPage({
        ...(await staffPageProps(deps, c)),
        pending: await Promise.all(pending.map(view)),
        decided: await Promise.all(decided.map(view)),
        notice: done === 'granted' || done === 'denied' ? done : null,
      }),
    );
  });

  area.get(`${STAFF_PATHS.requests}/:requestId`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'requestId');
    if (!id || !canSend(account)) return notFound(deps, c);
    const request = await ownRequest(account, id);
    if (!request) return notFound(deps, c);
    const settings = await deps.accounts.settings.get();
    return c.html(
      RequestPage({
        ...(await staffPageProps(deps, c)),
        request: await view(request),
        extensionDays: settings.extensionDays,
      }),
    );
  });

  area.post(`${STAFF_PATHS.requests}/:requestId`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'requestId');
    if (!id || !canSend(account)) return notFound(deps, c);
    const body = await formOf(c);
    const decision = body.get('decision');
    if (decision !== 'grant' && decision !== 'deny') {
      return redirectKeepingLang(c, requestPath(id));
    }
    const settings = await deps.accounts.settings.get();
    const result = await decideAccessRequest(
      {
        ...deps.mailbox,
        orgName: settings.orgName,
        extensionDays: settings.extensionDays,
        accessDays: settings.accessDays,
        emailLanguage: settings.emailLanguage,
      },
      { account, requestId: id, grant: decision === 'grant', ip: c.get('clientIp') },
    );
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    if (!result.ok) {
      const request = await ownRequest(account, id);
      if (!request) return notFound(deps, c);
      return c.html(
        RequestPage({
          ...(await staffPageProps(deps, c)),
          request: await view(request),
          extensionDays: settings.extensionDays,
          alreadyDecided: true,
        }),
        400,
      );
    }
    return redirectKeepingLang(c, `${STAFF_PATHS.requests}?done=${result.request.status}`);
  });
}
