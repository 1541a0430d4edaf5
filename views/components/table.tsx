import type { Child } from 'hono/jsx';
import { classes } from './field.tsx';

/** A column heading; numeric columns are right-aligned. */
export type TableHead = { text: Child; numeric?: boolean; class?: string };

/** A cell; `header` makes it the row's heading (`<th scope="row">`). */
export type TableCell = { text: Child; numeric?: boolean; header?: boolean; class?: string };

/** A row; `class` marks it, e.g. `sp-unread` for an unread message. */
export type TableRow = { cells: TableCell[]; class?: string };

/**
 * A GOV.UK table with an optional caption and column headings, in a box that scrolls
 * sideways on its own when the table is wider than the screen, so the page itself never
 * does (WCAG 1.4.10 Reflow allows data tables to scroll in two dimensions). The box is a
 * named region a keyboard can focus, to scroll it with the arrow keys.
 */
export function Table(props: {
  caption?: string;
  captionSize?: 's' | 'm' | 'l' | 'xl';
  /** Hide the caption visually when the page heading already says what the table is. */
  captionHidden?: boolean;
  head?: TableHead[];
  rows: TableRow[];
  /** Make the first cell of each row its heading. */
  firstCellIsHeader?: boolean;
  class?: string;
}) {
  return (
    <div
      class="sp-table-scroll"
      {...(props.caption ? { role: 'region', 'aria-label': props.caption, tabindex: 0 } : {})}
    >
      <table class={classes('govuk-table', props.class)}>
        {props.caption ? (
          <caption
            class={classes(
              'govuk-table__caption',
              props.captionSize && `govuk-table__caption--${props.captionSize}`,
              props.captionHidden && 'govuk-visually-hidden',
            )}
          >
            {props.caption}
          </caption>
        ) : null}
        {props.head ? (
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              {props.head.map((head) => (
                <th
                  scope="col"
                  class={classes(
                    'govuk-table__header',
                    head.numeric && 'govuk-table__header--numeric',
                    head.class,
                  )}
                >
                  {head.text}
                </th>
              ))}
            </tr>
          </thead>
        ) : null}
        <tbody class="govuk-table__body">
          {props.rows.map((row) => (
            <tr class={classes('govuk-table__row', row.class)}>
              {row.cells.map((cell, index) =>
                cell.header || (props.firstCellIsHeader && index === 0) ? (
                  <th
                    scope="row"
                    class={classes(
                      'govuk-table__header',
                      cell.numeric && 'govuk-table__header--numeric',
                      cell.class,
                    )}
                  >
                    {cell.text}
                  </th>
                ) : (
                  <td
                    class={classes(
                      'govuk-table__cell',
                      cell.numeric && 'govuk-table__cell--numeric',
                      cell.class,
                    )}
                  >
                    {cell.text}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
