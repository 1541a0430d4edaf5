import type { Strings } from '../strings/index.ts';
import { safeHref } from './safe-href.ts';

/** A GOV.UK back link, above `<main>` (pass it to the layout's `beforeContent`). */
export function BackLink(props: { href: string; strings: Strings; text?: string }) {
  return (
    <a href={safeHref(props.href)} class="govuk-back-link">
      {props.text ?? props.strings.common.back}
    </a>
  );
}
