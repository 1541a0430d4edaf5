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
  /**
   * On a narrow screen, show each row as a block with every cell labelled by its column
   * heading (CSS only, views/styles/_sealpost.scss `.sp-stacked`), instead of a table
   * whose right-hand columns are out of sight. The visible labels are hidden from
   * screen readers, which keep the table's own headings: the explicit ARIA roles hold
   * the table semantics that some browsers drop when CSS changes a table's display.
   */
  stacked?: boolean;
}) {
  const stacked = props.stacked === true;
  const role = (name: string) => (stacked ? { role: name } : {});
  const label = (index: number, cell: TableCell) => {
    const head = props.head?.[index];
    const empty = cell.text === '' || cell.text === null || cell.text === undefined;
    return stacked && head && !empty ? (
      <span class="sp-stacked__label" aria-hidden="true">
        {head.text}
      </span>
    ) : null;
  };
  return (
    <div
      class={classes('sp-table-scroll', stacked && 'sp-stacked')}
      {...(props.caption ? { role: 'region', 'aria-label': props.caption, tabindex: 0 } : {})}
    >
      <table class={classes('govuk-table', props.class)} {...role('table')}>
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
          <thead class="govuk-table__head" {...role('rowgroup')}>
            <tr class="govuk-table__row" {...role('row')}>
              {props.head.map((head) => (
                <th
                  scope="col"
                  {...role('columnheader')}
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
        <tbody class="govuk-table__body" {...role('rowgroup')}>
          {props.rows.map((row) => (
            <tr class={classes('govuk-table__row', row.class)} {...role('row')}>
              {row.cells.map((cell, index) =>
                cell.header || (props.firstCellIsHeader && index === 0) ? (
                  <th
                    scope="row"
                    {...role('rowheader')}
                    class={classes(
                      'govuk-table__header',
                      cell.numeric && 'govuk-table__header--numeric',
                      cell.class,
                    )}
                  >
                    {label(index, cell)}
                    {cell.text}
                  </th>
                ) : (
                  <td
                    {...role('cell')}
                    class={classes(
                      'govuk-table__cell',
                      cell.numeric && 'govuk-table__cell--numeric',
                      cell.class,
                    )}
                  >
                    {label(index, cell)}
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
