import type { Strings } from '../strings/index.ts';

/** One problem in the summary: links to the field when it has one. */
export type ErrorItem = { text: string; href?: string | undefined };

/**
 * The GOV.UK error summary, first thing in `<main>` when a form comes back with
 * problems. Takes a ValidationError's `issues` (field name -> sentence, `_` for a
 * problem not tied to a field) or a list. Each problem links to its field's id, so a
 * keyboard or screen reader user jumps straight to it; that works without JavaScript.
 * With JavaScript, sealpost.js moves focus here (hence `tabindex="-1"`), and the
 * `role="alert"` makes screen readers announce it.
 */
export function ErrorSummary(props: {
  errors: Record<string, string> | ErrorItem[];
  strings: Strings;
  /** Defaults to "There is a problem". */
  title?: string;
}) {
  const items = Array.isArray(props.errors) ? props.errors : errorItems(props.errors);
  if (items.length === 0) return null;
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary" tabindex={-1}>
      <div role="alert">
        <h2 class="govuk-error-summary__title">
          {props.title ?? props.strings.components.errorSummaryTitle}
        </h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {items.map((item) => (
              <li>{item.href ? <a href={item.href}>{item.text}</a> : item.text}</li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/**
 * Turns `{ email: 'Enter an email address' }` into summary items linking to `#email`.
 * `_` (a problem with the form as a whole) gets no link. Field ids default to field
 * names in every Sealpost form component, so the links land on the field.
 */
export function errorItems(issues: Record<string, string>): ErrorItem[] {
  return Object.entries(issues).map(([field, text]) => ({
    text,
    href: field === '_' ? undefined : `#${field}`,
  }));
}
