import type { Strings } from '../strings/index.ts';
import { classes } from './field.tsx';
import { safeHref } from './safe-href.ts';

/** A numbered page link, or a gap in the numbers. */
export type PaginationItem =
  | { number: number; href: string; current?: boolean }
  | { ellipsis: true };

/**
 * GOV.UK pagination for a long list (the inbox): previous and next links, and page
 * numbers when given. Plain links, so it works without JavaScript.
 */
export function Pagination(props: {
  previous?: string | undefined;
  next?: string | undefined;
  items?: PaginationItem[];
  strings: Strings;
}) {
  const text = props.strings.components.pagination;
  if (!props.previous && !props.next && !props.items?.length) return null;
  return (
    <nav class="govuk-pagination" aria-label={text.label}>
      {props.previous ? (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={safeHref(props.previous)} rel="prev">
            <svg
              class="govuk-pagination__icon govuk-pagination__icon--prev"
              xmlns="http://www.w3.org/2000/svg"
              height="13"
              width="15"
              aria-hidden="true"
              focusable="false"
              viewBox="0 0 15 13"
            >
              <path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z" />
            </svg>
            <span class="govuk-pagination__link-title">
              {text.previous}
              <span class="govuk-visually-hidden"> {text.page}</span>
            </span>
          </a>
        </div>
      ) : null}
      {props.items?.length ? (
        <ul class="govuk-pagination__list">
          {props.items.map((item) =>
            'ellipsis' in item ? (
              <li class="govuk-pagination__item govuk-pagination__item--ellipsis">{'\u22ef'}</li>
            ) : (
              <li
                class={classes(
                  'govuk-pagination__item',
                  item.current && 'govuk-pagination__item--current',
                )}
              >
                <a
                  class="govuk-link govuk-pagination__link"
                  href={safeHref(item.href)}
                  aria-label={text.pageNumber(item.number)}
                  aria-current={item.current ? 'page' : undefined}
                >
                  {item.number}
                </a>
              </li>
            ),
          )}
        </ul>
      ) : null}
      {props.next ? (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={safeHref(props.next)} rel="next">
            <span class="govuk-pagination__link-title">
              {text.next}
              <span class="govuk-visually-hidden"> {text.page}</span>
            </span>
            <svg
              class="govuk-pagination__icon govuk-pagination__icon--next"
              xmlns="http://www.w3.org/2000/svg"
              height="13"
              width="15"
              aria-hidden="true"
              focusable="false"
              viewBox="0 0 15 13"
            >
              <path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z" />
            </svg>
          </a>
        </div>
      ) : null}
    </nav>
  );
}
