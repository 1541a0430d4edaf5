import type { Child } from 'hono/jsx';
import { classes } from './field.tsx';
import { safeHref } from './safe-href.ts';

/** A link in a summary list row, e.g. "Change"; the hidden text says what it changes. */
export type SummaryAction = { href: string; text: string; visuallyHiddenText?: string };

/** One row: a key, its value (text or markup) and optional actions. */
export type SummaryRow = { key: string; value: Child; actions?: SummaryAction[] };

/** A GOV.UK summary list: key-value pairs such as a message's sender, date and expiry. */
export function SummaryList(props: { rows: SummaryRow[]; noBorder?: boolean; class?: string }) {
  const anyActions = props.rows.some((row) => row.actions && row.actions.length > 0);
  return (
    <dl
      class={classes(
        'govuk-summary-list',
        props.noBorder && 'govuk-summary-list--no-border',
        props.class,
      )}
    >
      {props.rows.map((row) => {
        const actions = row.actions ?? [];
        return (
          <div
            class={classes(
              'govuk-summary-list__row',
              anyActions && actions.length === 0 && 'govuk-summary-list__row--no-actions',
            )}
          >
            <dt class="govuk-summary-list__key">{row.key}</dt>
            <dd class="govuk-summary-list__value">{row.value}</dd>
            {actions.length === 1 && actions[0] ? (
              <dd class="govuk-summary-list__actions">
                <ActionLink action={actions[0]} />
              </dd>
            ) : actions.length > 1 ? (
              <dd class="govuk-summary-list__actions">
                <ul class="govuk-summary-list__actions-list">
                  {actions.map((action) => (
                    <li class="govuk-summary-list__actions-list-item">
                      <ActionLink action={action} />
                    </li>
                  ))}
                </ul>
              </dd>
            ) : null}
          </div>
        );
      })}
    </dl>
  );
}

function ActionLink(props: { action: SummaryAction }) {
  return (
    <a class="govuk-link" href={safeHref(props.action.href)}>
      {props.action.text}
      {props.action.visuallyHiddenText ? (
        <span class="govuk-visually-hidden"> {props.action.visuallyHiddenText}</span>
      ) : null}
    </a>
  );
}
