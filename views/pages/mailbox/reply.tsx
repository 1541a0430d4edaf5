import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { Strings } from '../../strings/index.ts';
import { DraftFiles } from '../compose/compose.tsx';
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
    /** Files kept in the draft: sent with the reply, each with a Remove button. */
    files?: Array<{ id: string; name: string; size: number }>;
    notice?: AnswerDraftNotice | null;
  },
) {
  const c = props.strings.compose;
  const s = props.strings.mailbox.reply;
  const path = mailboxPaths.reply(props.deliveryId, props.all);
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
          <AnswerDraftBanner strings={props.strings} notice={props.notice ?? null} />
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
            action={actionWithToken(link(path), props.csrfToken)}
            enctype="multipart/form-data"
            novalidate
          >
            <CsrfField token={props.csrfToken} />
            <DefaultSend text={s.send} />
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
            <DraftFiles
              strings={props.strings}
              files={props.files ?? []}
              removeAction={(fileId) =>
                actionWithToken(link(withQuery(path, 'remove', fileId)), props.csrfToken)
              }
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
              <SaveDraftButton
                text={c.saveDraft}
                formaction={actionWithToken(link(withQuery(path, 'save', '1')), props.csrfToken)}
              />
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

/** What a reply or forward page says after its draft was saved or a file taken out. */
export type AnswerDraftNotice = 'saved' | 'removed';

/** The success banner after Save as draft or Remove on a reply or forward. */
export function AnswerDraftBanner(props: { strings: Strings; notice: AnswerDraftNotice | null }) {
  if (!props.notice) return null;
  const c = props.strings.compose;
  return (
    <NotificationBanner
      type="success"
      strings={props.strings}
      heading={props.notice === 'saved' ? c.draftSavedHeading : c.draftFileRemoved}
    />
  );
}

/**
 * A hidden copy of Send, first in the form, so Enter in a field sends (as before) rather
 * than pressing the first Remove button of a kept file.
 */
export function DefaultSend(props: { text: string }) {
  return (
    <button type="submit" hidden tabindex={-1}>
      {props.text}
    </button>
  );
}

/** Save as draft: the same form, posted with `save=1` (its files kept in the draft). */
export function SaveDraftButton(props: { text: string; formaction: string }) {
  return (
    <button
      type="submit"
      class="govuk-button govuk-button--secondary"
      data-module="govuk-button"
      formaction={props.formaction}
    >
      {props.text}
    </button>
  );
}

/** `path` with one more query parameter. */
export function withQuery(path: string, key: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}
