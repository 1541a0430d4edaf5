import type { Child } from 'hono/jsx';
import type { Strings } from '../strings/index.ts';

/** GOV.UK warning text: something the person must not miss, read out as "Warning". */
export function WarningText(props: { children?: Child; strings: Strings }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">{props.strings.components.warning}</span>
        {props.children}
      </strong>
    </div>
  );
}
