import type { Child } from 'hono/jsx';

/** GOV.UK inset text: a quoted or set-apart passage, such as an example. */
export function InsetText(props: { children?: Child }) {
  return <div class="govuk-inset-text">{props.children}</div>;
}
