import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { createApp } from '../../adapters/http/app.ts';
import type { AppEnv } from '../../adapters/http/env.ts';
import { compressHtml, staticAssets } from '../../adapters/http/static.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import {
  BackLink,
  Button,
  ButtonGroup,
  Checkboxes,
  CsrfField,
  Details,
  ErrorSummary,
  FileUpload,
  InsetText,
  NotificationBanner,
  Pagination,
  Panel,
  PasswordInput,
  Radios,
  Select,
  SummaryList,
  Table,
  Tag,
  Textarea,
  TextInput,
  WarningText,
} from '../../views/components/index.ts';
import { Layout } from '../../views/layout.tsx';
import { NotFoundPage } from '../../views/pages/errors.tsx';
import { type Lang, pickLanguage, stringsFor } from '../../views/strings/index.ts';

/** A council with a long name and a light colour (the header must darken it). */
export const SAMPLE_ORG = {
  name: 'Royal Borough of Sampleton and District Council',
  colour: '#5694ca',
};

/** What the sample form "submitted": every field in an error state, values kept. */
const ISSUES = {
  email: 'Enter an email address in the correct format, like name@example.com',
  password: 'Enter your password',
  message: 'Message must be 20 characters or fewer',
  topics: 'Select at least one topic',
  reply: 'Select whether you want a reply',
  team: 'Select a team',
  attachment: 'The selected file must be smaller than 10 MB',
};

/** A page using the layout and every component, in the state after a failed POST. */
export function SamplePage(props: { lang: Lang; signedIn: boolean }) {
  const strings = stringsFor(props.lang);
  return (
    <Layout
      title="Sample form"
      strings={strings}
      lang={props.lang}
      org={SAMPLE_ORG}
      account={props.signedIn ? { displayName: 'Sam Example' } : null}
      csrfToken="token-123"
      nav="compose"
      hasErrors
      beforeContent={<BackLink href="/inbox" strings={strings} />}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={ISSUES} strings={strings} />
          <NotificationBanner
            strings={strings}
            heading="Your session ends after 30 minutes of inactivity."
          />
          <h1 class="govuk-heading-l">Sample form</h1>
          <form method="post" action="/sample" enctype="multipart/form-data" novalidate>
            <CsrfField token="token-123" />
            <TextInput
              name="email"
              type="email"
              label="Email address"
              hint="We will only use this to tell you about new messages."
              autocomplete="email"
              spellcheck={false}
              width="20"
              value={'<script>alert(1)</script>@example'}
              error={ISSUES.email}
              strings={strings}
            />
            <PasswordInput
              name="password"
              label="Password"
              autocomplete="current-password"
              error={ISSUES.password}
              strings={strings}
            />
            <Textarea
              name="message"
              label="Message"
              maxLength={20}
              value="A message that is too long"
              error={ISSUES.message}
              strings={strings}
            />
            <Checkboxes
              name="topics"
              legend="Which topics is this about?"
              legendSize="m"
              hint="Select all that apply."
              items={[
                { value: 'housing', text: 'Housing' },
                { value: 'benefits', text: 'Benefits', hint: 'Including council tax support.' },
                { value: 'schools', text: 'Schools' },
              ]}
              values={[]}
              error={ISSUES.topics}
              strings={strings}
            />
            <Radios
              name="reply"
              legend="Do you want a reply?"
              legendSize="m"
              inline
              items={[
                { value: 'yes', text: 'Yes' },
                { value: 'no', text: 'No' },
              ]}
              error={ISSUES.reply}
              strings={strings}
            />
            <Select
              name="team"
              label="Team"
              items={[
                { value: '', text: 'Choose a team' },
                { value: 'housing', text: 'Housing' },
                { value: 'revenues', text: 'Revenues and benefits' },
              ]}
              value=""
              error={ISSUES.team}
              strings={strings}
            />
            <FileUpload
              name="attachment"
              label="Attach a file"
              hint="PDF or Word, up to 10 MB."
              error={ISSUES.attachment}
              strings={strings}
            />
            <Checkboxes
              name="remember"
              items={[{ value: 'yes', text: 'Remember this device for 30 days' }]}
              strings={strings}
            />
            <Details summary="Why we ask for this">
              We need your email address to tell you when a message arrives.
            </Details>
            <WarningText strings={strings}>Do not share your password with anyone.</WarningText>
            <ButtonGroup>
              <Button>Send message</Button>
              <Button variant="secondary" name="action" value="draft">
                Save as draft
              </Button>
            </ButtonGroup>
          </form>
          <h2 class="govuk-heading-m">Message details</h2>
          <SummaryList
            rows={[
              { key: 'From', value: 'Alex Officer, Housing' },
              {
                key: 'Access ends',
                value: '12 June 2025',
                actions: [
                  {
                    href: '/extend',
                    text: 'Ask for more time',
                    visuallyHiddenText: 'to read this message',
                  },
                ],
              },
              { key: 'Status', value: <Tag text="Read only" colour="grey" /> },
            ]}
          />
          <InsetText>Messages are deleted 90 days after they are sent.</InsetText>
          <div class="sp-watermark sp-protected" data-watermark="Read only – sam@example.com">
            <p class="govuk-body">
              This read-only message carries a watermark and is left out when printed.
            </p>
          </div>
          <p class="govuk-body sp-print-only">This message cannot be printed.</p>
        </div>
      </div>
      <Table
        caption="Inbox"
        captionSize="m"
        head={[{ text: 'From' }, { text: 'Subject' }, { text: 'Received' }]}
        rows={[
          {
            class: 'sp-unread',
            cells: [
              { text: 'Alex Officer' },
              {
                text: (
                  <a class="govuk-link" href="/messages/1">
                    Your housing application<span class="govuk-visually-hidden"> (unread)</span>
                  </a>
                ),
              },
              { text: '3 June' },
            ],
          },
          {
            cells: [
              { text: 'Benefits team' },
              {
                text: (
                  <a class="govuk-link" href="/messages/2">
                    Council tax support
                  </a>
                ),
              },
              { text: '1 June' },
            ],
          },
        ]}
      />
      <Pagination
        previous="/inbox?page=1"
        next="/inbox?page=3"
        items={[
          { number: 1, href: '/inbox?page=1' },
          { number: 2, href: '/inbox?page=2', current: true },
          { number: 3, href: '/inbox?page=3' },
          { ellipsis: true },
          { number: 9, href: '/inbox?page=9' },
        ]}
        strings={strings}
      />
    </Layout>
  );
}

/** The confirmation panel on a page of its own (a page has one `<h1>`). */
export function SamplePanelPage(props: { lang: Lang }) {
  const strings = stringsFor(props.lang);
  return (
    <Layout title="Message sent" strings={strings} lang={props.lang} org={SAMPLE_ORG}>
      <Panel title="Message sent">Your reference is HDJ2123F</Panel>
    </Layout>
  );
}

/**
 * The sample pages behind the real app's middleware (security headers, CSP, static
 * files, HTML compression): `/sample` (signed in), `/sample?signed-out`, `/panel`.
 */
export function sampleApp(): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  area.use(compressHtml());
  area.get('/sample', (c) => {
    const lang = pickLanguage({
      query: c.req.query('lang'),
      acceptLanguage: c.req.header('accept-language'),
    });
    return c.html(
      <SamplePage lang={lang} signedIn={c.req.query('signed-out') === undefined} />,
      400,
    );
  });
  area.get('/panel', (c) => c.html(<SamplePanelPage lang="en" />));
  // The sample app is built without the portal's error pages, so it serves this one.
  area.get('*', (c) => {
    const lang = pickLanguage({
      query: c.req.query('lang'),
      acceptLanguage: c.req.header('accept-language'),
    });
    return c.html(<NotFoundPage strings={stringsFor(lang)} lang={lang} org={SAMPLE_ORG} />, 404);
  });
  const logger = createLogger({
    level: 'warn',
    destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
  });
  return createApp({
    logger,
    isHealthy: async () => true,
    https: false,
    areas: [staticAssets({ brandColour: () => SAMPLE_ORG.colour }), area],
  });
}
