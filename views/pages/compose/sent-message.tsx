import { BackLink } from '../../components/back-link.tsx';
import type { BodyView } from '../../components/safe-html-body.ts';
import { SummaryList } from '../../components/summary-list.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { MessageBody } from '../mailbox/message.tsx';
import { fileTypeName, formatDateTime, formatSize } from '../mailbox/shared.tsx';
import type { SignedInPageProps } from './shared.tsx';

/** Where a sent message and its files are served (the routes answer these paths). */
export const sentPaths = {
  list: '/sent',
  message: (id: string) => `/sent/${encodeURIComponent(id)}`,
  attachment: (id: string, attachmentId: string) =>
    `/sent/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`,
};

/**
 * One message the person sent, as they sent it: when, to whom, what they wrote and the
 * files (each a download link, for them alone). Nothing here changes anything.
 */
export function SentMessagePage(
  props: SignedInPageProps & {
    message: {
      id: string;
      subject: string;
      sentAt: Date;
      to: string[];
      cc: string[];
      body: BodyView;
      truncated: boolean;
      attachments: Array<{ id: string; name: string; contentType: string; size: number }>;
    };
  },
) {
  const s = props.strings.compose.sent.message;
  const ms = props.strings.mailbox.message;
  const m = props.message;
  const link = (href: string) => linkKeepingLang(props, href);
  const subject = m.subject || props.strings.mailbox.inbox.noSubject;
  const rows = [
    {
      key: s.sentAt,
      value: <time datetime={m.sentAt.toISOString()}>{formatDateTime(m.sentAt, props.lang)}</time>,
    },
    { key: s.to, value: m.to.join(', ') },
    ...(m.cc.length > 0 ? [{ key: s.cc, value: m.cc.join(', ') }] : []),
  ];
  return (
    <Layout
      {...props}
      title={subject}
      nav="sent"
      beforeContent={<BackLink href={link(sentPaths.list)} strings={props.strings} text={s.back} />}
    >
      <h1 class="govuk-heading-l govuk-!-text-break-word">{subject}</h1>
      <SummaryList rows={rows} class="govuk-!-text-break-word" />
      <h2 class="govuk-heading-m">{s.bodyHeading}</h2>
      <MessageBody body={m.body} />
      {m.truncated ? <p class="govuk-body">{s.truncated}</p> : null}
      <h2 class="govuk-heading-m">{s.filesHeading}</h2>
      {m.attachments.length === 0 ? (
        <p class="govuk-body">{s.noFiles}</p>
      ) : (
        <ul class="govuk-list" hx-boost="false">
          {m.attachments.map((a) => (
            <li class="govuk-!-text-break-word">
              <a class="govuk-link" href={sentPaths.attachment(m.id, a.id)} download>
                {a.name}
              </a>{' '}
              <span class="govuk-hint govuk-!-display-inline">
                (
                {ms.fileDetails(
                  formatSize(a.size, props.strings),
                  fileTypeName(a.contentType, props.strings),
                )}
                )
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
