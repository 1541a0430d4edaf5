import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { decryptText } from '../../../../core/messages/open-message.ts';
import { findOwnDelivery } from '../../../../core/messages/read-access.ts';
import { type OutgoingAttachment, sendMessage } from '../../../../core/messages/send-message.ts';
import { formatSize } from '../../../../views/pages/mailbox/shared.tsx';
import {
  ComposePage,
  type ComposeValues,
  PreviewPage,
  SentConfirmationPage,
} from '../../../../views/pages/staff/compose.tsx';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { type MultipartPart, MultipartReader, type MultipartRefused } from '../../multipart.ts';
import { checkCompose, emptyComposeValues, readComposeValues } from './compose-form.ts';
import {
  type Ctx,
  canSend,
  formOf,
  notFound,
  type StaffAreaDeps,
  staffOf,
  staffPageProps,
} from './context.ts';
import { idParam } from './params.ts';

/** Text fields a compose form sends (the hidden ones carry everything typed). */
const MAX_FIELDS = 40;
/** The longest text field: the body, which `sendMessage` bounds again by the settings. */
const MAX_FIELD_BYTES = 2 * 1024 * 1024;

/**
 * Writing a secure message, for senders and admins (auditors send nothing: 404).
 *
 * Without JavaScript, as with it: the form posts to `/staff/compose` and comes back
 * either with its problems (400, everything kept) or as a preview with Send and Change.
 * Attachments are chosen on the preview page: its Send form is a multipart upload whose
 * files stream through the cipher into the blob store as they arrive (never held whole),
 * so the preview itself never holds a file and nothing is uploaded twice. Change posts
 * the same hidden fields back to the form.
 */
export function composeRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const settings = () => deps.accounts.settings.get();

  /** The message a `replyTo` delivery id names, when it is the sender's own copy. */
  const replyTarget = async (account: Account, deliveryId: string) => {
    if (deliveryId === '') return null;
    const access = await findOwnDelivery(
      deps.mailbox.storage.repos,
      account,
      deliveryId,
      deps.mailbox.clock.now(),
    );
    if (!access.ok || access.role !== 'recipient') return null;
    const sender = await deps.mailbox.storage.repos.accounts.findById({
      id: access.message.senderId,
    });
    return {
      message: access.message,
      senderEmail: sender?.email ?? '',
      subject: await decryptText(deps.mailbox, access.message.subjectEnc),
    };
  };

  const composePage = async (c: Ctx, values: ComposeValues, errors?: Record<string, string>) => {
    const current = await settings();
    const target = await replyTarget(staffOf(c), values.replyTo);
    return ComposePage({
      ...(await staffPageProps(deps, c)),
      values: target ? values : { ...values, replyTo: '' },
      defaultDays: current.accessDays,
      replyingTo: target?.subject ?? null,
      ...(errors ? { errors } : {}),
    });
  };

  area.get(STAFF_PATHS.compose, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const values = emptyComposeValues(await settings());
    const target = await replyTarget(account, c.req.query('replyTo') ?? '');
    if (target) {
      values.replyTo = c.req.query('replyTo') ?? '';
      values.to = target.senderEmail;
      values.subject = /^re:/i.test(target.subject) ? target.subject : `Re: ${target.subject}`;
      values.classification = target.message.classification ?? '';
    }
    return c.html(await composePage(c, values));
  });

  // Change: the preview's hidden fields, back in the form.
  area.post(`${STAFF_PATHS.compose}/edit`, async (c) => {
    if (!canSend(staffOf(c))) return notFound(deps, c);
    const values = readComposeValues((await formOf(c)).get);
    return c.html(await composePage(c, values));
  });

  // Preview.
  area.post(STAFF_PATHS.compose, async (c) => {
    if (!canSend(staffOf(c))) return notFound(deps, c);
    const values = readComposeValues((await formOf(c)).get);
    const props = await staffPageProps(deps, c);
    const checked = checkCompose(values, await settings(), props.strings, deps.mailbox.clock.now());
    if (!checked.ok) return c.html(await composePage(c, values, checked.errors), 400);
    return c.html(PreviewPage({ ...props, values, facts: checked.checked.facts }));
  });

  // Send: fields first, then the files, streamed straight into `sendMessage`.
  area.post(STAFF_PATHS.send, async (c) => {
    const account = staffOf(c);
    if (!canSend(account)) return notFound(deps, c);
    const current = await settings();
    const props = await staffPageProps(deps, c);
    const reader = new MultipartReader(
      { body: c.req.raw.body, contentType: c.req.header('content-type') ?? '' },
      {
        maxFiles: current.maxAttachments,
        maxTotalBytes: current.maxTotalBytes,
        maxFieldBytes: MAX_FIELD_BYTES,
        maxFields: MAX_FIELDS,
      },
    );
    const parts = reader[Symbol.asyncIterator]();
    const valuesSoFar = () => readComposeValues((name) => reader.get(name));

    // The fields come before the file input in the form, so they are all here by the
    // time the first file arrives.
    let firstFile: MultipartPart | null = null;
    try {
      for (;;) {
        const next = await parts.next();
        if (next.done) break;
        if (next.value.kind === 'file') {
          firstFile = next.value;
          break;
        }
      }
    } catch {
      return refused(c, reader.refusal, valuesSoFar(), props.strings);
    }
    const values = valuesSoFar();
    const checked = checkCompose(values, current, props.strings, deps.mailbox.clock.now());
    if (!checked.ok) return c.html(await composePage(c, values, checked.errors), 400);
    const target = await replyTarget(account, values.replyTo);

    async function* files(): AsyncGenerator<OutgoingAttachment> {
      let part: MultipartPart | null = firstFile;
      while (part) {
        if (part.kind === 'file' && part.name === 'attachments') {
          yield { name: part.filename, contentType: part.contentType, content: part.content };
        }
        const next = await parts.next();
        part = next.done ? null : next.value;
      }
    }

    let result: Awaited<ReturnType<typeof sendMessage>>;
    try {
      const m = checked.checked;
      result = await sendMessage(deps.mailbox, current, {
        senderId: account.id,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        body: m.body,
        bodyFormat: 'text',
        attachments: files(),
        readOnly: m.readOnly,
        accessEndsAt: m.accessEndsAt,
        classification: m.classification,
        source: 'web',
        inReplyToId: target?.message.id ?? null,
        ip: c.get('clientIp'),
      });
    } catch (error) {
      if (reader.refusal) return refused(c, reader.refusal, values, props.strings);
      throw error;
    }
    if (!result.ok) {
      const { attachments, ...others } = result.issues;
      if (Object.keys(others).length > 0) {
        return c.html(await composePage(c, values, result.issues), 400);
      }
      return c.html(
        PreviewPage({
          ...props,
          values,
          facts: checked.checked.facts,
          errors: { attachments: attachments ?? '' },
        }),
        400,
      );
    }
    return c.redirect(`${STAFF_PATHS.compose}/sent/${encodeURIComponent(result.messageId)}`, 303);
  });

  area.get(`${STAFF_PATHS.compose}/sent/:messageId`, async (c) => {
    const account = staffOf(c);
    const id = idParam(c, 'messageId');
    if (!id) return notFound(deps, c);
    const message = await deps.mailbox.storage.repos.messages.findById({ id });
    if (!message || message.senderId !== account.id) return notFound(deps, c);
    const deliveries = await deps.mailbox.storage.repos.deliveries.listForMessage({
      messageId: id,
    });
    return c.html(
      SentConfirmationPage({
        ...(await staffPageProps(deps, c)),
        messageId: id,
        recipients: deliveries.length,
      }),
    );
  });

  /** An upload that broke a limit: the preview again (files must be chosen again), 400. */
  async function refused(
    c: Ctx,
    refusal: MultipartRefused | null,
    values: ComposeValues,
    strings: Strings,
  ): Promise<Response> {
    const current = await settings();
    const s = strings.staff.preview.errors;
    const message =
      refusal?.reason === 'too-many-files'
        ? s.tooManyFiles(current.maxAttachments)
        : refusal?.reason === 'too-large'
          ? s.tooLarge(formatSize(current.maxTotalBytes, strings))
          : s.unreadable;
    const checked = checkCompose(values, current, strings, deps.mailbox.clock.now());
    if (!checked.ok) return c.html(await composePage(c, values, checked.errors), 400);
    return c.html(
      PreviewPage({
        ...(await staffPageProps(deps, c)),
        values,
        facts: checked.checked.facts,
        errors: { attachments: message },
      }),
      400,
    );
  }
}
