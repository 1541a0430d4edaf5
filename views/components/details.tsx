import type { Child } from 'hono/jsx';

/** GOV.UK details: help that only some people need, opened by the browser (no script). */
export function Details(props: { summary: string; children?: Child; open?: boolean }) {
  return (
    <details class="govuk-details" open={props.open}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">{props.summary}</span>
      </summary>
      <div class="govuk-details__text">{props.children}</div>
    </details>
  );
}
