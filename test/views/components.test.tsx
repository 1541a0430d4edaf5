import { describe, expect, it } from 'vitest';
import {
  BackLink,
  Button,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorItems,
  FileUpload,
  NotificationBanner,
  Pagination,
  PasswordInput,
  Radios,
  Select,
  SummaryList,
  safeHref,
  Table,
  Tag,
  Textarea,
  TextInput,
  WarningText,
} from '../../views/components/index.ts';
import { stringsFor } from '../../views/strings/index.ts';
import { inlineCodeIn, render } from './render.ts';

const en = stringsFor('en');
const cy = stringsFor('cy');
const EVIL = '<script>alert("x")</script>\'"&';

describe('form components', () => {
  it('escape every value, label, hint and error: a <script> comes out as inert text', async () => {
    const html = await render(
      <>
        <TextInput name="q" label={EVIL} hint={EVIL} error={EVIL} value={EVIL} strings={en} />
        <Textarea
          name="t"
          label={EVIL}
          value={`${EVIL}</textarea><script>x()</script>`}
          strings={en}
        />
        <Select
          name="s"
          label="S"
          items={[{ value: EVIL, text: EVIL }]}
          value={EVIL}
          strings={en}
        />
        <Checkboxes
          name="c"
          legend={EVIL}
          items={[{ value: EVIL, text: EVIL }]}
          values={[EVIL]}
          strings={en}
        />
        <Radios
          name="r"
          legend="R"
          items={[{ value: EVIL, text: EVIL }]}
          value={EVIL}
          strings={en}
        />
        <SummaryList rows={[{ key: EVIL, value: EVIL }]} />
        <Table head={[{ text: EVIL }]} rows={[{ cells: [{ text: EVIL }] }]} caption={EVIL} />
        <Tag text={EVIL} />
        <ErrorSummary errors={{ q: EVIL }} strings={en} />
        <CsrfField token={EVIL} />
      </>,
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('</textarea><script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(inlineCodeIn(html)).toEqual([]);
  });

  it('link the hint and the error to the input and keep the typed value', async () => {
    const html = await render(
      <TextInput
        name="email"
        type="email"
        label="Email address"
        hint="We only use it to tell you about messages."
        error="Enter an email address"
        value="sam@example"
        autocomplete="email"
        strings={en}
      />,
    );
    expect(html).toContain('class="govuk-form-group govuk-form-group--error"');
    expect(html).toContain('<label class="govuk-label" for="email">Email address</label>');
    expect(html).toContain('<div id="email-hint" class="govuk-hint">');
    expect(html).toContain(
      '<p id="email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Enter an email address</p>',
    );
    expect(html).toMatch(
      /<input class="govuk-input govuk-input--error" id="email" name="email" type="email" value="sam@example" autocomplete="email" aria-describedby="email-hint email-error"\/>/,
    );
  });

  it('say "Error:" in the page language', async () => {
    const html = await render(<TextInput name="e" label="E" error="Rhowch" strings={cy} />);
    expect(html).toContain('<span class="govuk-visually-hidden">Gwall:</span>');
  });

  it('never put a password back into the page, and tell password managers what it is', async () => {
    const html = await render(
      <PasswordInput
        name="password"
        label="Password"
        autocomplete="new-password"
        error="Too short"
        strings={en}
      />,
    );
    expect(html).not.toContain('value=');
    expect(html).toContain('type="password"');
    expect(html).toContain('autocomplete="new-password"');
    expect(html).toContain('spellcheck="false"');
    expect(html).toContain('aria-describedby="password-error"');
  });

  it('keep a textarea value exactly, leading newline included', async () => {
    const html = await render(
      <Textarea name="body" label="Message" value={'\nline two'} strings={en} />,
    );
    // The parser drops the first newline after <textarea>: ours, not the user's.
    expect(html).toContain('>\n\nline two</textarea>');
  });

  it('states a textarea limit in its hint, joined to the field', async () => {
    const html = await render(
      <Textarea name="body" label="Message" maxLength={500} strings={en} />,
    );
    expect(html).toContain('You can enter up to 500 characters');
    expect(html).toContain('aria-describedby="body-hint"');
  });

  it('give checkboxes ids from the name (the summary links to the first) and keep ticks', async () => {
    const html = await render(
      <Checkboxes
        name="topics"
        legend="Topics"
        hint="Select all that apply."
        error="Select a topic"
        items={[
          { value: 'a', text: 'A', hint: 'About A' },
          { value: 'b', text: 'B' },
        ]}
        values={['b']}
        strings={en}
      />,
    );
    expect(html).toContain(
      '<fieldset class="govuk-fieldset" aria-describedby="topics-hint topics-error">',
    );
    expect(html).toContain(
      'id="topics" name="topics" type="checkbox" value="a" aria-describedby="topics-item-hint"',
    );
    expect(html).toMatch(/id="topics-2" name="topics" type="checkbox" value="b" checked=""/);
    expect(html).toContain(
      '<div id="topics-item-hint" class="govuk-hint govuk-checkboxes__hint">About A</div>',
    );
  });

  it('point a lone checkbox (no fieldset) at its error itself', async () => {
    const html = await render(
      <Checkboxes
        name="agree"
        items={[{ value: 'yes', text: 'I agree' }]}
        error="Agree to continue"
        strings={en}
      />,
    );
    expect(html).not.toContain('<fieldset');
    expect(html).toContain('aria-describedby="agree-error"');
  });

  it('check the chosen radio and the chosen option', async () => {
    const radios = await render(
      <Radios
        name="reply"
        legend="Reply?"
        legendIsPageHeading
        items={[
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ]}
        value="no"
        strings={en}
      />,
    );
    expect(radios).toContain(
      '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l"><h1 class="govuk-fieldset__heading">Reply?</h1></legend>',
    );
    expect(radios).toMatch(/value="yes"\/>/);
    expect(radios).toMatch(/value="no" checked=""\/>/);
    const select = await render(
      <Select
        name="team"
        label="Team"
        items={[
          { value: 'a', text: 'A' },
          { value: 'b', text: 'B' },
        ]}
        value="b"
        strings={en}
      />,
    );
    expect(select).toContain(
      '<option value="a">A</option><option value="b" selected="">B</option>',
    );
  });

  it('render a file input in its error state', async () => {
    const html = await render(
      <FileUpload name="file" label="File" error="Choose a file" multiple strings={en} />,
    );
    expect(html).toContain('class="govuk-file-upload govuk-file-upload--error"');
    expect(html).toContain('type="file" multiple=""');
  });

  it('render a label as the page heading', async () => {
    const html = await render(
      <TextInput name="n" label="Your name" labelIsPageHeading strings={en} />,
    );
    expect(html).toContain(
      '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="n">Your name</label></h1>',
    );
  });
});

describe('ErrorSummary', () => {
  it('lists each problem as a link to its field, announced and focusable', async () => {
    const html = await render(
      <ErrorSummary
        errors={{ email: 'Enter an email address', password: 'Enter a password', _: 'Try again' }}
        strings={en}
      />,
    );
    expect(html).toContain(
      '<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1"><div role="alert">',
    );
    expect(html).toContain('<h2 class="govuk-error-summary__title">There is a problem</h2>');
    expect(html).toContain('<li><a href="#email">Enter an email address</a></li>');
    expect(html).toContain('<li><a href="#password">Enter a password</a></li>');
    expect(html).toContain('<li>Try again</li>');
  });

  it('renders nothing when there are no problems', async () => {
    expect(await render(<ErrorSummary errors={{}} strings={en} />)).toBe('');
  });

  it('turns ValidationError issues into items', () => {
    expect(errorItems({ name: 'Enter a name', _: 'Whole form' })).toEqual([
      { text: 'Enter a name', href: '#name' },
      { text: 'Whole form', href: undefined },
    ]);
  });

  it('is titled in Welsh for Welsh pages', async () => {
    expect(await render(<ErrorSummary errors={{ a: 'b' }} strings={cy} />)).toContain(
      'Mae problem wedi codi',
    );
  });
});

describe('other components', () => {
  it('Button is a submit button, or a link-button with href', async () => {
    expect(await render(<Button>Send</Button>)).toBe(
      '<button type="submit" class="govuk-button" data-module="govuk-button">Send</button>',
    );
    const link = await render(
      <Button href="/start" variant="secondary">
        Start
      </Button>,
    );
    expect(link).toContain(
      '<a href="/start" draggable="false" class="govuk-button govuk-button--secondary"',
    );
  });

  it('CsrfField is the hidden _csrf field', async () => {
    expect(await render(<CsrfField token="abc" />)).toBe(
      '<input type="hidden" name="_csrf" value="abc"/>',
    );
  });

  it('NotificationBanner: success is an alert, important a labelled region', async () => {
    const success = await render(
      <NotificationBanner type="success" heading="Message sent" strings={en} />,
    );
    expect(success).toContain('role="alert"');
    expect(success).toContain('govuk-notification-banner--success');
    expect(success).toContain('>Success</h2>');
    const important = await render(<NotificationBanner heading="Read this" strings={cy} />);
    expect(important).toContain('role="region" aria-labelledby="govuk-notification-banner-title"');
    expect(important).toContain('>Pwysig</h2>');
  });

  it('Pagination marks the current page and hides the arrows from screen readers', async () => {
    const html = await render(
      <Pagination
        previous="/inbox?page=1"
        next="/inbox?page=3"
        items={[
          { number: 1, href: '/inbox?page=1' },
          { number: 2, href: '/inbox?page=2', current: true },
          { ellipsis: true },
        ]}
        strings={en}
      />,
    );
    expect(html).toContain('<nav class="govuk-pagination" aria-label="Pagination">');
    expect(html).toContain('aria-label="Page 2" aria-current="page"');
    expect(html).toContain('rel="prev"');
    expect(html).toContain('Next<span class="govuk-visually-hidden"> page</span>');
    expect(html).toContain('govuk-pagination__item--ellipsis');
    expect(await render(<Pagination strings={en} />)).toBe('');
  });

  it('WarningText says "Warning" to screen readers', async () => {
    expect(await render(<WarningText strings={en}>Careful</WarningText>)).toContain(
      '<span class="govuk-visually-hidden">Warning</span>Careful',
    );
  });

  it('links never carry a javascript: or off-site protocol-relative URL', async () => {
    const scriptUrl = ['javascript', 'alert(1)'].join(':');
    expect(await render(<BackLink href={scriptUrl} strings={en} />)).toContain('href="#"');
    expect(safeHref('//evil.example/x')).toBe('#');
    expect(safeHref('/\\evil.example')).toBe('#');
    expect(safeHref(' JavaScript:alert(1)')).toBe('#');
    expect(safeHref('/inbox?page=2')).toBe('/inbox?page=2');
    expect(safeHref('#main')).toBe('#main');
    expect(safeHref('https://council.example/help')).toBe('https://council.example/help');
    const list = await render(
      <SummaryList
        rows={[{ key: 'k', value: 'v', actions: [{ href: scriptUrl, text: 'Change' }] }]}
      />,
    );
    expect(list).toContain('href="#"');
  });
});
