import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { type BodyView, safeHtmlWithImages } from '../../components/safe-html-body.ts';
import { SummaryList, type SummaryRow } from '../../components/summary-list.tsx';
import { Tag } from '../../components/tag.tsx';
import { WarningText } from '../../components/warning-text.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import {
  fileTypeName,
  formatDateTime,
  formatSize,
  type MailboxPageProps,
  mailboxPaths,
} from './shared.tsx';

/** A person on the message: a name when known, and the address. */
export type PersonView = { name: string; email: string };

/** A file listed under the message. */
export type AttachmentView = { id: string; name: string; contentType: string; size: number };

/** Everything the message page shows of an opened message. */
export type MessageView = {
  deliveryId: string;
  subject: string;
  classification: 'OFFICIAL' | 'OFFICIAL-SENSITIVE' | null;
  readOnly: boolean;
  from: PersonView;
  to: string[];
  cc: string[];
  /** Who forwarded this copy to the reader, when someone did. */
  forwardedBy: string | null;
  sentAt: Date;
  accessEndsAt: Date;
  /**
   * The body: plain text is shown as text with its line breaks; HTML was made safe
   * when the message was stored and is shown as it is, its inline images in place.
   */
  body: BodyView;
  /** The body was longer than the page shows. */
  truncated: boolean;
  /** The files listed under the message (inline images of the body are not among them). */
  attachments: AttachmentView[];
};

/** The banners the message page shows after an action redirected here. */
export type MessageNotice =
  | 'replied'
  | 'forwarded'
  | 'forward-requested'
  | 'forwarded-and-requested'
  | 'access-requested';

/**
 * One message, opened. Read-only messages have no Forward and no download links, carry
 * a faint watermark with the reader's address and the time, and are hidden on paper
 * (`sp-protected`); the page says plainly that this cannot stop a photo of the screen.
 */
export function MessagePage(
  props: MailboxPageProps & { message: MessageView; now: Date; notice?: MessageNotice | null },
) {
  const s = props.strings.mailbox.message;
  const m = props.message;
  const link = (href: string) => linkKeepingLang(props, href);
  const person = (p: PersonView) =>
    p.name && p.name !== p.email ? `${p.name} (${p.email})` : p.email;
  const rows: SummaryRow[] = [
    { key: s.from, value: person(m.from) },
    { key: s.to, value: m.to.join(', ') },
    ...(m.cc.length > 0 ? [{ key: s.cc, value: m.cc.join(', ') }] : []),
    ...(m.forwardedBy ? [{ key: s.forwardedBy, value: m.forwardedBy }] : []),
    {
      key: s.date,
      value: <time datetime={m.sentAt.toISOString()}>{formatDateTime(m.sentAt, props.lang)}</time>,
    },
    {
      key: s.accessUntil,
      value: (
        <time datetime={m.accessEndsAt.toISOString()}>
          {formatDateTime(m.accessEndsAt, props.lang)}
        </time>
      ),
    },
  ];
  const watermark = s.watermark(props.account.email, formatDateTime(props.now, props.lang));
  const content = (
    <>
      <h2 class="govuk-heading-m">{s.bodyHeading}</h2>
      <MessageBody body={m.body} />
      {m.truncated ? <p class="govuk-body govuk-!-font-weight-bold">{s.truncated}</p> : null}
      <h2 class="govuk-heading-m">{s.attachmentsHeading}</h2>
      {m.attachments.length === 0 ? (
        <p class="govuk-body">{s.noAttachments}</p>
      ) : (
        <>
          {m.readOnly ? <p class="govuk-body">{s.readOnlyFiles}</p> : null}
          <ul class="govuk-list" hx-boost="false">
            {m.attachments.map((a) => {
              const details = s.fileDetails(
                formatSize(a.size, props.strings),
                fileTypeName(a.contentType, props.strings),
              );
              return (
                <li class="govuk-!-text-break-word">
                  {m.readOnly ? (
                    a.name
                  ) : (
                    <a
                      class="govuk-link"
                      href={mailboxPaths.attachment(m.deliveryId, a.id)}
                      download
                    >
                      {a.name}
                    </a>
                  )}{' '}
                  <span class="govuk-hint govuk-!-display-inline">({details})</span>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </>
  );

  return (
    <Layout
      {...props}
      title={m.subject || props.strings.mailbox.inbox.noSubject}
      nav="inbox"
      beforeContent={<BackLink href={link(mailboxPaths.inbox)} strings={props.strings} />}
    >
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.notices[props.notice]}
        />
      ) : null}
      {m.classification ? (
        <p class="govuk-body">
          <span class="govuk-visually-hidden">{s.classification}: </span>
          <Tag
            text={m.classification}
            colour={m.classification === 'OFFICIAL-SENSITIVE' ? 'red' : 'grey'}
            class="govuk-!-font-size-24"
          />
        </p>
      ) : null}
      <h1 class="govuk-heading-l govuk-!-text-break-word">
        {m.subject || props.strings.mailbox.inbox.noSubject}
      </h1>
      <SummaryList rows={rows} class="govuk-!-text-break-word" />
      {m.readOnly ? (
        <>
          <WarningText strings={props.strings}>{s.readOnlyHeading}</WarningText>
          <p class="govuk-body">{s.readOnlyBody}</p>
          <p class="govuk-body">{s.readOnlyPhoto}</p>
          <p class="govuk-body sp-print-only">{s.notPrintable}</p>
          <div class="sp-protected sp-watermark" data-watermark={repeat(watermark, 4)}>
            <div>{content}</div>
          </div>
        </>
      ) : (
        content
      )}
      <h2 class="govuk-heading-m">{s.actions}</h2>
      <ButtonGroup>
        <Button href={link(mailboxPaths.reply(m.deliveryId, false))}>{s.reply}</Button>
        <Button href={link(mailboxPaths.reply(m.deliveryId, true))} variant="secondary">
          {s.replyAll}
        </Button>
        {m.readOnly ? null : (
          <Button href={link(mailboxPaths.forward(m.deliveryId))} variant="secondary">
            {s.forward}
          </Button>
        )}
        <Button href={link(mailboxPaths.delete(m.deliveryId))} variant="warning">
          {s.delete}
        </Button>
      </ButtonGroup>
    </Layout>
  );
}

/**
 * The body. Plain text keeps its line breaks as `<br>`, so they show with any
 * stylesheet; `sp-message-body--text` adds `white-space: pre-wrap` for runs of spaces
 * where the stylesheet has it (never on HTML, whose source line breaks mean nothing).
 * HTML was made safe when the message was stored. Links inside are never boosted by
 * htmx: they lead off the portal.
 */
export function MessageBody(props: { body: MessageView['body'] }) {
  if (props.body.format === 'safe-html') {
    return (
      <div class="govuk-body sp-message-body sp-message-body--html" hx-boost="false">
        {safeHtmlWithImages(props.body)}
      </div>
    );
  }
  const lines = props.body.content.replace(/\r\n?/g, '\n').split('\n');
  return (
    <div class="govuk-body sp-message-body sp-message-body--text" hx-boost="false">
      {lines.map((line, index) => (
        <>
          {index > 0 ? <br /> : null}
          {line}
        </>
      ))}
    </div>
  );
}

function repeat(text: string, times: number): string {
  return Array.from({ length: times }, () => text).join('   ');
}

/**
 * A message whose access has ended: says when, and offers "Request more access" (or
 * says a request is already waiting). No content is shown.
 */
export function MessageExpiredPage(
  props: MailboxPageProps & {
    deliveryId: string;
    subject: string;
    accessEndedAt: Date;
    /** When a request for more time was made, if one is waiting. */
    requestedAt: Date | null;
    notice?: 'access-requested' | null;
  },
) {
  const s = props.strings.mailbox.message;
  const link = (href: string) => linkKeepingLang(props, href);
  const subject = props.subject || props.strings.mailbox.inbox.noSubject;
  return (
    <Layout
      {...props}
      title={s.expiredTitle}
      nav="inbox"
      beforeContent={<BackLink href={link(mailboxPaths.inbox)} strings={props.strings} />}
    >
      {props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.notices[props.notice]}
        />
      ) : null}
      <h1 class="govuk-heading-l">{s.expiredTitle}</h1>
      <p class="govuk-body govuk-!-text-break-word">
        {s.expiredBody(subject, formatDateTime(props.accessEndedAt, props.lang))}
      </p>
      {props.requestedAt ? (
        <p class="govuk-body">{s.requestPending(formatDateTime(props.requestedAt, props.lang))}</p>
      ) : (
        <>
          <p class="govuk-body">{s.expiredAsk}</p>
          <form method="post" action={link(mailboxPaths.requestAccess(props.deliveryId))}>
            <CsrfField token={props.csrfToken} />
            <Button>{props.strings.mailbox.inbox.requestAccess}</Button>
          </form>
        </>
      )}
      <p class="govuk-body">
        <a class="govuk-link" href={link(mailboxPaths.delete(props.deliveryId))}>
          {s.delete}
          <span class="govuk-visually-hidden"> {subject}</span>
        </a>
      </p>
    </Layout>
  );
}

/** A message the sender revoked: says so, and shows nothing of it. */
export function MessageRevokedPage(props: MailboxPageProps & { deliveryId: string }) {
  const s = props.strings.mailbox.message;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <Layout
      {...props}
      title={s.revokedTitle}
      nav="inbox"
      beforeContent={<BackLink href={link(mailboxPaths.inbox)} strings={props.strings} />}
    >
      <h1 class="govuk-heading-l">{s.revokedTitle}</h1>
      <p class="govuk-body">{s.revokedBody}</p>
      <p class="govuk-body">
        <a class="govuk-link" href={link(mailboxPaths.delete(props.deliveryId))}>
          {s.delete}
        </a>
      </p>
    </Layout>
  );
}
