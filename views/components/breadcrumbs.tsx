import type { Strings } from '../strings/index.ts';
import { safeHref } from './safe-href.ts';

/** One step; the last (the current page) usually has no link. */
export type Crumb = { text: string; href?: string };

/** GOV.UK breadcrumbs, above `<main>` (pass them to the layout's `beforeContent`). */
export function Breadcrumbs(props: { items: Crumb[]; strings: Strings }) {
  return (
    <nav class="govuk-breadcrumbs" aria-label={props.strings.components.breadcrumbs}>
      <ol class="govuk-breadcrumbs__list">
        {props.items.map((item) => (
          <li class="govuk-breadcrumbs__list-item">
            {item.href ? (
              <a class="govuk-breadcrumbs__link" href={safeHref(item.href)}>
                {item.text}
              </a>
            ) : (
              item.text
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
