import { Button, ButtonGroup } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Panel } from '../../components/panel.tsx';
import { Radios } from '../../components/radios.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime, formatSize } from '../mailbox/shared.tsx';
import { MessageBody } from './inbox.tsx';
import {
  DateInput,
  type DateParts,
  STAFF_PATHS,
  StaffLayout,
  type StaffPageProps,
  trackingPath,
} from './shared.tsx';

/** Everything the compose form holds, as typed (kept whole when something is wrong). */
export type ComposeValues = {
  to: string;
  cc: string;
  subject: string;
  body: string;
  readOnly: boolean;
  /** The recipient must prove a second factor before it opens (step-up). */
  secondFactorRequired: boolean;
  accessDays: string;
  accessDate: DateParts;
  classification: '' | 'OFFICIAL' | 'OFFICIAL-SENSITIVE';
  /** The staff inbox delivery being answered, if any. */
  replyTo: string;
  /** The draft this message is kept in (with its files), or '' before it has one. */
  draftId: string;
};

/** A file waiting in the message's draft: kept between steps, sent with the message. */
export type StagedFile = { id: string; name: string; size: number };

/** What the compose page says at the top after an action or on opening a draft. */
export type StaffComposeNotice = 'saved' | 'removed' | 'timeout';

/** The compose form's hidden and visible fields, by name, for carrying between steps. */
export function composeFields(values: ComposeValues): Array<[string, string]> {
  return [
    ['to', values.to],
    ['cc', values.cc],
    ['subject', values.subject],
    ['body', values.body],
    ['readOnly', values.readOnly ? 'yes' : ''],
    ['secondFactorRequired', values.secondFactorRequired ? 'yes' : ''],
    ['accessDays', values.accessDays],
    ['accessDate-day', values.accessDate.day],
    ['accessDate-month', values.accessDate.month],
    ['accessDate-year', values.accessDate.year],
    ['classification', values.classification === '' ? 'none' : values.classification],
    ['replyTo', values.replyTo],
    ['draftId', values.draftId],
  ];
}

/**
 * Step 1: writing a secure message, files included. The form is a multipart upload
 * (its CSRF token in the action's query string, as the middleware never reads a
 * multipart body): the text fields come first, so they have all arrived before a file
 * is read. Files chosen here go, encrypted as they stream in, into the message's draft
 * and are listed from then on, each with a Remove button; every button posts the whole
 * form, so nothing typed is lost by removing a file. A browser cannot be given a file
 * back, so a refused upload says to choose the files again, while the files already in
 * the draft stay. A hidden copy of Preview comes first, so Enter in a field previews
 * rather than pressing the first Remove button.
 */
export function ComposePage(
  props: StaffPageProps & {
    values: ComposeValues;
    errors?: Record<string, string>;
    defaultDays: number;
    replyingTo?: string | null;
    files: StagedFile[];
    limits: { maxAttachments: number; maxMegabytes: number };
    notice?: StaffComposeNotice | null;
  },
) {
  const s = props.strings.staff.compose;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const v = props.values;
  const action = linkKeepingLang(
    props,
    `${STAFF_PATHS.compose}?_csrf=${encodeURIComponent(props.csrfToken)}`,
  );
  return (
    <StaffLayout {...props} title={s.title} nav="compose" hasErrors={hasErrors}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
          {props.notice === 'saved' || props.notice === 'removed' ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={s.notices[props.notice]}
            >
              {props.notice === 'saved' ? <p class="govuk-body">{s.notices.savedBody}</p> : null}
            </NotificationBanner>
          ) : null}
          {props.notice === 'timeout' ? (
            <NotificationBanner strings={props.strings} heading={s.notices.timeout}>
              <p class="govuk-body">{s.notices.timeoutBody}</p>
            </NotificationBanner>
          ) : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          {props.replyingTo ? <InsetText>{s.replyingTo(props.replyingTo)}</InsetText> : null}
          <form method="post" action={action} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.csrfToken} />
            <button type="submit" name="action" value="preview" hidden tabindex={-1}>
              {s.preview}
            </button>
            <input type="hidden" name="replyTo" value={v.replyTo} />
            <input type="hidden" name="draftId" value={v.draftId} />
            <Textarea
              strings={props.strings}
              name="to"
              label={s.to}
              labelSize="s"
              hint={s.toHint}
              rows={2}
              spellcheck={false}
              autocomplete="off"
              value={v.to}
              error={errors.to}
            />
            <Textarea
              strings={props.strings}
              name="cc"
              label={s.cc}
              labelSize="s"
              rows={2}
              spellcheck={false}
              autocomplete="off"
              value={v.cc}
              error={errors.cc}
            />
            <TextInput
              strings={props.strings}
              name="subject"
              label={s.subject}
              labelSize="s"
              hint={s.subjectHint}
              width="full"
              value={v.subject}
              error={errors.subject}
            />
            <Textarea
              strings={props.strings}
              name="body"
              label={s.body}
              labelSize="s"
              rows={10}
              value={v.body}
              error={errors.body}
            />
            <h2 class="govuk-heading-m">{s.optionsHeading}</h2>
            <Checkboxes
              strings={props.strings}
              name="readOnly"
              values={v.readOnly ? ['yes'] : []}
              items={[{ value: 'yes', text: s.readOnly, hint: s.readOnlyHint }]}
            />
            <Checkboxes
              strings={props.strings}
              name="secondFactorRequired"
              values={v.secondFactorRequired ? ['yes'] : []}
              items={[
                {
                  value: 'yes',
                  text: s.secondFactorRequired,
                  hint: s.secondFactorRequiredHint,
                },
              ]}
            />
            <h3 class="govuk-heading-s">{s.accessHeading}</h3>
            <TextInput
              strings={props.strings}
              name="accessDays"
              label={s.accessDays}
              hint={s.accessDaysHint(props.defaultDays)}
              inputmode="numeric"
              width="4"
              value={v.accessDays}
              error={errors.accessDays}
            />
            <DateInput
              strings={props.strings}
              name="accessDate"
              legend={s.accessDate}
              hint={s.accessDateHint}
              value={v.accessDate}
              error={errors.accessDate}
            />
            <Radios
              strings={props.strings}
              name="classification"
              legend={s.classification}
              legendSize="s"
              hint={s.classificationHint}
              value={v.classification === '' ? 'none' : v.classification}
              error={errors.classification}
              items={[
                { value: 'none', text: s.classificationNone },
                { value: 'OFFICIAL', text: s.official },
                { value: 'OFFICIAL-SENSITIVE', text: s.officialSensitive },
              ]}
            />
            <h2 class="govuk-heading-m">{s.attachmentsHeading}</h2>
            {props.files.length > 0 ? (
              <>
                <p class="govuk-body">{s.filesKept}</p>
                <dl class="govuk-summary-list">
                  {props.files.map((file) => (
                    <div class="govuk-summary-list__row">
                      <dt class="govuk-summary-list__key govuk-!-text-break-word">{file.name}</dt>
                      <dd class="govuk-summary-list__value">
                        {formatSize(file.size, props.strings)}
                      </dd>
                      <dd class="govuk-summary-list__actions">
                        <button
                          type="submit"
                          name="remove"
                          value={file.id}
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
            ) : null}
            <FileUpload
              strings={props.strings}
              name="attachments"
              label={s.attachments}
              labelSize="s"
              hint={s.attachmentsHint(props.limits.maxAttachments, props.limits.maxMegabytes)}
              multiple
              error={errors.attachments}
            />
            <ButtonGroup>
              <Button name="action" value="preview">
                {s.preview}
              </Button>
              <Button name="action" value="save" variant="secondary">
                {s.saveDraft}
              </Button>
            </ButtonGroup>
          </form>
        </div>
      </div>
    </StaffLayout>
  );
}

/** What the preview shows beyond the typed values: the addresses as they will be used. */
export type PreviewFacts = {
  to: string[];
  cc: string[];
  accessEndsAt: Date;
  /** How many recipients are outside the council's domains. */
  external: number;
  maxAttachments: number;
  maxMegabytes: number;
};

/**
 * Step 2: the message as it will be sent, its files listed, with Send and Change. The
 * files are already stored, encrypted, in the message's draft (named by the hidden
 * `draftId`), so both forms are plain forms: Send sends the draft's files, Change goes
 * back to the form with them still attached. The typed values travel in hidden fields.
 */
export function PreviewPage(
  props: StaffPageProps & {
    values: ComposeValues;
    facts: PreviewFacts;
    files: StagedFile[];
    errors?: Record<string, string>;
  },
) {
  const s = props.strings.staff.preview;
  const v = props.values;
  const f = props.facts;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const hidden = composeFields(v).map(([name, value]) => (
    <input type="hidden" name={name} value={value} />
  ));
  return (
    <StaffLayout {...props} title={s.title} nav="compose" hasErrors={hasErrors}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          {f.external > 0 ? <InsetText>{s.external(f.external)}</InsetText> : null}
          <SummaryList
            rows={[
              { key: s.to, value: f.to.join(', ') },
              ...(f.cc.length > 0 ? [{ key: s.cc, value: f.cc.join(', ') }] : []),
              { key: s.subject, value: v.subject },
              { key: s.readOnly, value: v.readOnly ? s.yes : s.no },
              { key: s.secondFactorRequired, value: v.secondFactorRequired ? s.yes : s.no },
              { key: s.accessEnds, value: formatDateTime(f.accessEndsAt, props.lang) },
              { key: s.classification, value: v.classification || s.none },
              {
                key: s.attachments,
                value:
                  props.files.length === 0 ? (
                    s.noAttachments
                  ) : (
                    <ul class="govuk-list">
                      {props.files.map((file) => (
                        <li class="govuk-!-text-break-word">
                          {file.name} ({formatSize(file.size, props.strings)})
                        </li>
                      ))}
                    </ul>
                  ),
              },
            ]}
          />
          <h2 class="govuk-heading-m">{s.body}</h2>
          <div class="govuk-inset-text">
            <MessageBody body={{ format: 'text', content: v.body, images: [] }} />
          </div>
          <form method="post" action={linkKeepingLang(props, STAFF_PATHS.send)} novalidate>
            <CsrfField token={props.csrfToken} />
            {hidden}
            <Button>{s.send}</Button>
          </form>
          <form method="post" action={linkKeepingLang(props, `${STAFF_PATHS.compose}/edit`)}>
            <CsrfField token={props.csrfToken} />
            {hidden}
            <Button variant="secondary">{s.change}</Button>
          </form>
        </div>
      </div>
    </StaffLayout>
  );
}

/** Step 3: sent. Links to the tracking page and to write another. */
export function SentConfirmationPage(
  props: StaffPageProps & { messageId: string; recipients: number },
) {
  const s = props.strings.staff.sentConfirmation;
  return (
    <StaffLayout {...props} title={s.title} nav="compose">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <Panel title={s.title}>{s.body(props.recipients)}</Panel>
          <ButtonGroup>
            <Button href={linkKeepingLang(props, trackingPath(props.messageId))}>{s.track}</Button>
            <Button href={linkKeepingLang(props, STAFF_PATHS.compose)} variant="secondary">
              {s.another}
            </Button>
          </ButtonGroup>
        </div>
      </div>
    </StaffLayout>
  );
}
