import { Button, ButtonGroup } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { Details } from '../../components/details.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import {
  classes,
  describedBy,
  ErrorMessage,
  FormGroup,
  Hint,
  Label,
} from '../../components/field.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { Strings } from '../../strings/index.ts';
import { formatSize } from '../mailbox/shared.tsx';
import { AutosaveStatus } from './autosave.tsx';
import { actionWithToken, megabytes, type SignedInPageProps } from './shared.tsx';

/** Where the compose form's buttons and helpers post (the routes answer these paths). */
export const COMPOSE_PATHS = {
  send: '/compose',
  save: '/compose/save',
  autosave: '/compose/autosave',
  suggest: '/contacts/suggest',
  contacts: '/contacts',
};

/** What the person has typed or chosen; all of it comes back when the form has problems. */
export type ComposeValues = {
  to: string;
  cc: string;
  subject: string;
  body: string;
  /** Contacts and groups ticked in the address-book picker. */
  contactIds: string[];
  groupIds: string[];
  /** The draft this message was opened from or autosaved into. */
  draftId: string | null;
};

/** Empty values for a new message. */
export const EMPTY_COMPOSE: ComposeValues = {
  to: '',
  cc: '',
  subject: '',
  body: '',
  contactIds: [],
  groupIds: [],
  draftId: null,
};

/** Why the page shows a banner above the form. */
export type ComposeNotice = 'draft-saved' | 'draft-file-removed' | 'opened-timeout-draft';

/** Where a draft file's Remove button posts (the whole form, so nothing typed is lost). */
export function draftFileRemovePath(draftId: string, fileId: string): string {
  return `/drafts/${encodeURIComponent(draftId)}/files/${encodeURIComponent(fileId)}/remove`;
}

/**
 * The compose form: To and Cc, a picker of contacts and groups (plain checkboxes, so it
 * works without JavaScript), subject, message, then the files LAST, so every word typed
 * reaches the server before any file does and comes back if a file is refused.
 *
 * With JavaScript, htmx adds two things and nothing else: address suggestions from the
 * address book as you type (`/contacts/suggest` fills a `<datalist>`), and saving a
 * draft a few seconds after you stop typing. The form posts as multipart; its CSRF token
 * is in the action's query, because multipart bodies are streamed, not parsed first.
 */
export function ComposePage(
  props: SignedInPageProps & {
    values: ComposeValues;
    /** Problems by field (`to`, `cc`, `contact`, `group`, `subject`, `body`, `attachments`). */
    issues: Record<string, string>;
    contacts: Array<{ id: string; name: string; email: string }>;
    groups: Array<{ id: string; name: string; count: number }>;
    limits: { maxAttachments: number; maxTotalBytes: number };
    /** The council's domains, to say who can be written to. */
    allowedDomains: string[];
    /** Files waiting in the draft: sent with the message, each with a Remove button. */
    files?: Array<{ id: string; name: string; size: number }>;
    notice?: ComposeNotice | null;
    /** When the draft was last saved, already formatted for the reader. */
    savedAt?: string | null;
  },
) {
  const s = props.strings.compose;
  const v = props.values;
  const link = (path: string) => linkKeepingLang(props, path);
  const hasErrors = Object.keys(props.issues).length > 0;
  const pickerOpen =
    v.contactIds.length > 0 ||
    v.groupIds.length > 0 ||
    props.issues.contact !== undefined ||
    props.issues.group !== undefined;
  return (
    <Layout {...props} title={s.title} nav="compose" hasErrors={hasErrors}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? (
            <ErrorSummary strings={props.strings} errors={errorItems(props.issues)} />
          ) : null}
          <Notice strings={props.strings} notice={props.notice ?? null} />
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          <p class="govuk-body">
            {props.allowedDomains.length > 0
              ? s.allowedTo(props.allowedDomains.join(', '))
              : s.nobodyAllowed}
          </p>
          <form
            method="post"
            action={actionWithToken(link(COMPOSE_PATHS.send), props.csrfToken)}
            enctype="multipart/form-data"
            novalidate
          >
            <CsrfField token={props.csrfToken} />
            {/* Enter in a field sends, as before, rather than pressing the first Remove. */}
            <button type="submit" hidden tabindex={-1}>
              {s.send}
            </button>
            <div
              hx-post={link(COMPOSE_PATHS.autosave)}
              hx-trigger="input changed delay:5s"
              hx-params="not attachments"
              hx-target="#autosave"
              hx-swap="innerHTML"
              hx-sync="closest form:abort"
            >
              <AddressInput
                strings={props.strings}
                name="to"
                label={s.to}
                hint={s.toHint}
                value={v.to}
                error={props.issues.to}
                suggest={link(COMPOSE_PATHS.suggest)}
              />
              <AddressInput
                strings={props.strings}
                name="cc"
                label={s.cc}
                hint={s.ccHint}
                value={v.cc}
                error={props.issues.cc}
                suggest={link(COMPOSE_PATHS.suggest)}
              />
              <Details summary={s.pickerSummary} open={pickerOpen}>
                {props.contacts.length === 0 && props.groups.length === 0 ? (
                  <p class="govuk-body">{s.pickerNone}</p>
                ) : (
                  <>
                    <p class="govuk-hint">{s.pickerHint}</p>
                    {props.contacts.length > 0 ? (
                      <Checkboxes
                        strings={props.strings}
                        name="contact"
                        legend={s.pickerContacts}
                        legendSize="s"
                        small
                        error={props.issues.contact}
                        values={v.contactIds}
                        items={props.contacts.map((c) => ({
                          value: c.id,
                          text: c.name,
                          hint: c.email,
                        }))}
                      />
                    ) : null}
                    {props.groups.length > 0 ? (
                      <Checkboxes
                        strings={props.strings}
                        name="group"
                        legend={s.pickerGroups}
                        legendSize="s"
                        small
                        error={props.issues.group}
                        values={v.groupIds}
                        items={props.groups.map((g) => ({
                          value: g.id,
                          text: g.name,
                          hint: s.groupMembers(g.count),
                        }))}
                      />
                    ) : null}
                  </>
                )}
                <p class="govuk-body">
                  <a class="govuk-link" href={link(COMPOSE_PATHS.contacts)}>
                    {s.pickerManage}
                  </a>
                </p>
              </Details>
              <TextInput
                strings={props.strings}
                name="subject"
                label={s.subject}
                value={v.subject}
                error={props.issues.subject}
                width="full"
              />
              <Textarea
                strings={props.strings}
                name="body"
                label={s.body}
                value={v.body}
                error={props.issues.body}
                rows={10}
                spellcheck
              />
            </div>
            <div id="autosave" role="status" class="govuk-body-s">
              <AutosaveStatus
                strings={props.strings}
                draftId={v.draftId}
                savedAt={props.savedAt ?? null}
              />
            </div>
            <DraftFiles
              strings={props.strings}
              files={props.files ?? []}
              removeAction={(fileId) =>
                v.draftId
                  ? actionWithToken(link(draftFileRemovePath(v.draftId, fileId)), props.csrfToken)
                  : ''
              }
            />
            <FileUpload
              strings={props.strings}
              name="attachments"
              label={s.attachments}
              hint={s.attachmentsHint(
                props.limits.maxAttachments,
                megabytes(props.limits.maxTotalBytes),
              )}
              error={props.issues.attachments}
              multiple
            />
            <ButtonGroup>
              <Button>{s.send}</Button>
              <button
                type="submit"
                class="govuk-button govuk-button--secondary"
                data-module="govuk-button"
                formaction={actionWithToken(link(COMPOSE_PATHS.save), props.csrfToken)}
              >
                {s.saveDraft}
              </button>
            </ButtonGroup>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/**
 * The files waiting in a draft, each with a Remove button that posts the whole form to
 * its own address (`formaction`, the CSRF token in its query): the text typed is saved
 * with it, and files being chosen are kept too. Shared by "Write a message", Reply and
 * Forward; nothing without files.
 */
export function DraftFiles(props: {
  strings: Strings;
  files: Array<{ id: string; name: string; size: number }>;
  removeAction: (fileId: string) => string;
}) {
  const s = props.strings.compose;
  if (props.files.length === 0) return null;
  return (
    <>
      <p class="govuk-body">{s.filesKept}</p>
      <dl class="govuk-summary-list">
        {props.files.map((file) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key govuk-!-text-break-word">{file.name}</dt>
            <dd class="govuk-summary-list__value">{formatSize(file.size, props.strings)}</dd>
            <dd class="govuk-summary-list__actions">
              <button
                type="submit"
                formaction={props.removeAction(file.id)}
                class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                data-module="govuk-button"
              >
                {s.remove}
                <span class="govuk-visually-hidden">{s.removeHidden(file.name)}</span>
              </button>
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function Notice(props: { strings: Strings; notice: ComposeNotice | null }) {
  const s = props.strings.compose;
  if (props.notice === 'draft-saved' || props.notice === 'draft-file-removed') {
    return (
      <NotificationBanner
        type="success"
        strings={props.strings}
        heading={props.notice === 'draft-saved' ? s.draftSavedHeading : s.draftFileRemoved}
      />
    );
  }
  if (props.notice === 'opened-timeout-draft') {
    return (
      <InsetText>
        <p class="govuk-body govuk-!-font-weight-bold">{s.timeoutDraftHeading}</p>
        <p class="govuk-body">{s.timeoutDraftBody}</p>
      </InsetText>
    );
  }
  return null;
}

/**
 * A text input for addresses, like `TextInput`, with a `<datalist>` that htmx fills
 * from the address book as the person types (a browser without JavaScript shows an
 * ordinary text box). Suggestions complete the last address in the box.
 */
function AddressInput(props: {
  strings: Strings;
  name: 'to' | 'cc';
  label: string;
  hint: string;
  value: string;
  error?: string | undefined;
  suggest: string;
}) {
  const id = props.name;
  const listId = `${id}-suggestions`;
  return (
    <FormGroup error={props.error}>
      <Label for={id} text={props.label} />
      <Hint id={`${id}-hint`}>{props.hint}</Hint>
      {props.error ? (
        <ErrorMessage id={`${id}-error`} text={props.error} strings={props.strings} />
      ) : null}
      <input
        class={classes('govuk-input', props.error && 'govuk-input--error')}
        id={id}
        name={props.name}
        type="text"
        value={props.value}
        autocomplete="off"
        spellcheck={false}
        list={listId}
        aria-describedby={describedBy(id, { hint: props.hint, error: props.error })}
        hx-get={props.suggest}
        hx-trigger="input changed delay:300ms"
        hx-target={`#${listId}`}
        hx-swap="outerHTML"
        hx-sync="this:replace"
      />
      <datalist id={listId} />
    </FormGroup>
  );
}
