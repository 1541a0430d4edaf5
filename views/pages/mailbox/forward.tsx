import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { DraftFiles } from '../compose/compose.tsx';
import { actionWithToken, megabytes } from '../compose/shared.tsx';
import {
  AnswerDraftBanner,
  type AnswerDraftNotice,
  DefaultSend,
  SaveDraftButton,
  withQuery,
} from './reply.tsx';
import { fileTypeName, formatSize, type MailboxPageProps, mailboxPaths } from './shared.tsx';

/**
 * The hidden field that says the form offered the original's files, so no box ticked
 * means "none of them" (a client that never saw the boxes forwards the message whole).
 */
export const FORWARD_FILES_SHOWN = 'filesShown';

/**
 * The forward form. It says where a message may go before anyone types: addresses at
 * the council's domains get their own copy; any other is refused, or (with
 * FORWARD_OUTSIDE=request) becomes a request the sender decides. The original's files
 * are offered as boxes, ticked unless the person unticked them; more files can be
 * attached (last in the form, so the addresses arrive first). A refused address comes
 * back with status 400, the reason and everything typed and ticked.
 */
export function ForwardPage(
  props: MailboxPageProps & {
    deliveryId: string;
    subject: string;
    /** The council's domains, for the sentence saying where forwarding is allowed. */
    internalDomains: string[];
    forwardOutside: 'refuse' | 'request';
    to: string;
    errors?: Record<string, string>;
    /** The original's files, and the ids of those ticked. */
    files: Array<{ id: string; name: string; size: number; contentType: string }>;
    keepFileIds: string[];
    limits: { maxAttachments: number; maxTotalBytes: number };
    /** The draft this forward was opened from (sending it deletes the draft). */
    draftId?: string | null;
    /** Set when the draft was saved because the session ended on Send. */
    openedTimeoutDraft?: boolean;
    /** Files of the person's own kept in the draft, each with a Remove button. */
    staged?: Array<{ id: string; name: string; size: number }>;
    notice?: AnswerDraftNotice | null;
  },
) {
  const c = props.strings.compose;
  const s = props.strings.mailbox.forward;
  const link = (href: string) => linkKeepingLang(props, href);
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const back = link(mailboxPaths.message(props.deliveryId));
  const path = mailboxPaths.forward(props.deliveryId);
  return (
    <Layout
      {...props}
      title={s.title}
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
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body govuk-!-font-weight-bold govuk-!-text-break-word">{props.subject}</p>
          <p class="govuk-body">
            {props.internalDomains.length > 0
              ? s.allowed(props.internalDomains.join(', '))
              : s.allowedNone}{' '}
            {props.forwardOutside === 'request' ? s.outsideRequest : s.outsideRefused}
          </p>
          <p class="govuk-body">{s.privacy}</p>
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
              name="to"
              label={s.to}
              inputmode="email"
              labelSize="s"
              hint={s.toHint}
              value={props.to}
              autocomplete="email"
              spellcheck={false}
              width="full"
              error={errors.to}
            />
            {props.files.length > 0 ? (
              <>
                <input type="hidden" name={FORWARD_FILES_SHOWN} value="1" />
                <Checkboxes
                  strings={props.strings}
                  name="keep"
                  legend={s.keepFiles}
                  legendSize="s"
                  hint={s.keepFilesHint}
                  small
                  error={errors.keep}
                  values={props.keepFileIds}
                  items={props.files.map((f) => ({
                    value: f.id,
                    text: f.name,
                    hint: `${fileTypeName(f.contentType, props.strings)}, ${formatSize(f.size, props.strings)}`,
                  }))}
                />
              </>
            ) : null}
            <DraftFiles
              strings={props.strings}
              files={props.staged ?? []}
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
