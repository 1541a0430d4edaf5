import type { Hono } from 'hono';
import { pendingExtensions } from '../../../../core/access/pending-requests.ts';
import { openMessage } from '../../../../core/messages/open-message.ts';
import {
  MessageExpiredPage,
  type MessageNotice,
  MessagePage,
  MessageRevokedPage,
} from '../../../../views/pages/mailbox/message.tsx';
import type { AppEnv } from '../../env.ts';
import { bodyView } from '../../message-body.ts';
import { idOf, notFound, pageProps, type RecipientAreaDeps, render, signedIn } from './context.ts';

/** The most of a message body the page shows; longer ones say so (a 75 MB body is a file's job). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One message, opened (and so tracked and audited) by core's `openMessage`; an expired
 * one offers to ask for more time, a withdrawn one says so. Every id that is missing or
 * not this person's gets the one 404 page, so ids cannot be probed.
 */
export function messageRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  area.get('/inbox/:id', async (c) => {
    const id = idOf(c);
    if (!id) return notFound(deps, c);
    const account = signedIn(c);
    const result = await openMessage(deps.mailbox, {
      account,
      deliveryId: id,
      ip: c.get('clientIp'),
    });
    if (!result.ok && result.reason === 'not-found') return notFound(deps, c);
    const props = await pageProps(deps, c);
    const notice = c.req.query('notice');
    if (!result.ok && result.reason === 'expired') {
      const pending = (await pendingExtensions(deps.mailbox.storage.repos, account)).get(id);
      return render(
        c,
        MessageExpiredPage({
          ...props,
          deliveryId: id,
          subject: result.subject,
          accessEndedAt: result.delivery.accessEndsAt,
          requestedAt: pending?.createdAt ?? null,
          notice: notice === 'access-requested' ? notice : null,
        }),
      );
    }
    if (!result.ok) return render(c, MessageRevokedPage({ ...props, deliveryId: id }));

    const { opened } = result;
    const { text, truncated } = await readText(await opened.body(), MAX_BODY_BYTES);
    const from = opened.participants.find((p) => p.kind === 'from');
    return render(
      c,
      MessagePage({
        ...props,
        now: deps.mailbox.clock.now(),
        notice: isMessageNotice(notice) ? notice : null,
        message: {
          deliveryId: id,
          subject: opened.subject,
          classification: opened.message.classification,
          readOnly: opened.message.readOnly,
          from: { name: from?.name ?? '', email: from?.email ?? '' },
          to: opened.participants.filter((p) => p.kind === 'to').map((p) => p.email),
          cc: opened.participants.filter((p) => p.kind === 'cc').map((p) => p.email),
          forwardedBy: opened.forwardedBy,
          sentAt: opened.message.createdAt,
          accessEndsAt: opened.delivery.accessEndsAt,
          body: bodyView({
            format: opened.message.bodyFormat,
            content: text,
            attachments: opened.attachments,
            imageUrl: (attachmentId) => `/inbox/${id}/images/${attachmentId}`,
          }),
          truncated,
          attachments: opened.attachments.filter((a) => !a.inline),
        },
      }),
    );
  });
}

function isMessageNotice(value: string | undefined): value is MessageNotice {
  return (
    value === 'replied' ||
    value === 'forwarded' ||
    value === 'forward-requested' ||
    value === 'forwarded-and-requested' ||
    value === 'access-requested'
  );
}

/** Up to `max` bytes of a stream as text; the rest is not read (the stream is cancelled). */
export async function readText(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let read = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - read;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room), { stream: true });
      truncated = true;
      await reader.cancel().catch(() => {});
      break;
    }
    read += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  return { text, truncated };
}
