import type { Child } from 'hono/jsx';

/**
 * The GOV.UK confirmation panel at the end of a task ("Message sent"); its title is the
 * page's `<h1>`.
 */
export function Panel(props: { title: string; children?: Child }) {
  return (
    <div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">{props.title}</h1>
      {props.children ? <div class="govuk-panel__body">{props.children}</div> : null}
    </div>
  );
}
