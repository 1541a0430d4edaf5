import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';

/**
 * The reply form. Who it goes to is decided by the server (Reply: the sender; Reply
 * all: the sender and the other people inside the council) and shown as text, never
 * as a field. On a problem it comes back with status 400, the error summary and
 * everything typed.
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
  },
) {
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
            action={link(mailboxPaths.reply(props.deliveryId, props.all))}
            novalidate
          >
            <CsrfField token={props.csrfToken} />
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
