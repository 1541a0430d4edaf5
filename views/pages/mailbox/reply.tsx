import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { actionWithToken, megabytes } from '../compose/shared.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';

/**
 * The reply form. Who it goes to is decided by the server (Reply: the sender; Reply
 * all: the sender and the other people inside the council) and shown as text, never
 * as a field. Files come LAST in the form, so every word typed reaches the server
 * before any file does; the form posts as multipart with its CSRF token in the action
 * (the body is streamed, not parsed first), and works without JavaScript. On a problem
 * it comes back with status 400, the error summary and everything typed.
 */
export function ReplyPage(
  props: MailboxPageProps & {
    deliveryId: string;
    all: boolean;
    originalSubject: string;
    recipients: string[];
    subject: string;
    body: string;
    /** Field -> problem; `_` for one not tied to a field. */
    errors?: Record<string, string>;
    limits: { maxAttachments: number; maxTotalBytes: number };
    /** The draft this reply was opened from (sending it deletes the draft). */
    draftId?: string | null;
    /** Set when the draft was saved because the session ended on Send. */
    openedTimeoutDraft?: boolean;
  },
) {
  const c = props.strings.compose;
  const s = props.strings.mailbox.reply;
  const link = (href: string) => linkKeepingLang(props, href);
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const title = props.all ? s.titleAll : s.title;
  const back = link(mailboxPaths.message(props.deliveryId));
  return (
    <Layout
      {...props}
      title={title}
      nav="inbox"
      hasErrors={hasErrors}
      beforeContent={<BackLink href={back} strings={props.strings} />}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? <ErrorSummary strings={props.strings} errors={errorItems(errors)} /> : null}
          {props.openedTimeoutDraft ? (
            <InsetText>
              <p class="govuk-body govuk-!-font-weight-bold">{c.timeoutDraftHeading}</p>
              <p class="govuk-body">{c.timeoutDraftBody}</p>
            </InsetText>
          ) : null}
          <h1 class="govuk-heading-l">{title}</h1>
          <SummaryList
            class="govuk-!-text-break-word"
            rows={[
              { key: s.original, value: props.originalSubject },
              { key: s.to, value: props.recipients.join(', ') },
            ]}
          />
          <p class="govuk-body">{s.toHint}</p>
          <form
            method="post"
            action={actionWithToken(
              link(mailboxPaths.reply(props.deliveryId, props.all)),
              props.csrfToken,
            )}
            enctype="multipart/form-data"
            novalidate
          >
            <CsrfField token={props.csrfToken} />
            {props.draftId ? <input type="hidden" name="draftId" value={props.draftId} /> : null}
            <TextInput
              strings={props.strings}
              name="subject"
              label={s.subject}
              labelSize="s"
              value={props.subject}
              width="full"
              error={errors.subject}
            />
            <Textarea
              strings={props.strings}
              name="body"
              label={s.body}
              labelSize="s"
              value={props.body}
              rows={10}
              error={errors.body}
            />
            <FileUpload
              strings={props.strings}
              name="attachments"
              label={c.attachments}
              labelSize="s"
              hint={c.attachmentsHint(
                props.limits.maxAttachments,
                megabytes(props.limits.maxTotalBytes),
              )}
              error={errors.attachments}
              multiple
            />
            <ButtonGroup>
              <Button>{s.send}</Button>
              <a class="govuk-link" href={back}>
                {s.cancel}
              </a>
            </ButtonGroup>
          </form>
        </div>
      </div>
    </Layout>
  );
}
