import { Button, ButtonGroup } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { FileUpload } from '../../components/file-upload.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { Panel } from '../../components/panel.tsx';
import { Radios } from '../../components/radios.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Textarea } from '../../components/textarea.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
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
  accessDays: string;
  accessDate: DateParts;
  classification: '' | 'OFFICIAL' | 'OFFICIAL-SENSITIVE';
  /** The staff inbox delivery being answered, if any. */
  replyTo: string;
};

/** The compose form's hidden and visible fields, by name, for carrying between steps. */
export function composeFields(values: ComposeValues): Array<[string, string]> {
  return [
    ['to', values.to],
    ['cc', values.cc],
    ['subject', values.subject],
    ['body', values.body],
    ['readOnly', values.readOnly ? 'yes' : ''],
    ['accessDays', values.accessDays],
    ['accessDate-day', values.accessDate.day],
    ['accessDate-month', values.accessDate.month],
    ['accessDate-year', values.accessDate.year],
    ['classification', values.classification === '' ? 'none' : values.classification],
    ['replyTo', values.replyTo],
  ];
}

/**
 * Step 1: writing a secure message. Every field comes back as typed when something is
 * wrong, with the problems in an error summary. Attachments are chosen on the next
 * page, with the preview, so a form sent back with problems never loses a file.
 */
export function ComposePage(
  props: StaffPageProps & {
    values: ComposeValues;
    errors?: Record<string, string>;
    defaultDays: number;
    replyingTo?: string | null;
  },
) {
  const s = props.strings.staff.compose;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const v = props.values;
  return (
    <StaffLayout {...props} title={s.title} nav="compose" hasErrors={hasErrors}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          {props.replyingTo ? <InsetText>{s.replyingTo(props.replyingTo)}</InsetText> : null}
          <form method="post" action={linkKeepingLang(props, STAFF_PATHS.compose)} novalidate>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="replyTo" value={v.replyTo} />
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
            <Button>{s.preview}</Button>
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
 * Step 2: the message as it will be sent, with Send and Change. The Send form is a
 * multipart upload (the attachments are chosen here and streamed, encrypted, into
 * storage as they arrive); its CSRF token is in the action's query string because the
 * middleware does not read multipart bodies. The typed values travel in hidden fields
 * placed before the file input, so they arrive first.
 */
export function PreviewPage(
  props: StaffPageProps & {
    values: ComposeValues;
    facts: PreviewFacts;
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
  const sendAction = linkKeepingLang(
    props,
    `${STAFF_PATHS.send}?_csrf=${encodeURIComponent(props.csrfToken)}`,
  );
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
              { key: s.accessEnds, value: formatDateTime(f.accessEndsAt, props.lang) },
              { key: s.classification, value: v.classification || s.none },
            ]}
          />
          <h2 class="govuk-heading-m">{s.body}</h2>
          <div class="govuk-inset-text">
            <MessageBody body={{ format: 'text', content: v.body, images: [] }} />
          </div>
          <form method="post" action={sendAction} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.csrfToken} />
            {hidden}
            <h2 class="govuk-heading-m">{s.attachmentsHeading}</h2>
            <FileUpload
              strings={props.strings}
              name="attachments"
              label={s.attachments}
              hint={s.attachmentsHint(f.maxAttachments, f.maxMegabytes)}
              multiple
              error={errors.attachments}
            />
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
