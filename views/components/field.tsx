import type { Child } from 'hono/jsx';
import type { Strings } from '../strings/index.ts';

/**
 * What every form field takes. Text is escaped by hono/jsx wherever it lands; the
 * typed value comes back on error (passwords excepted) so nobody types it twice.
 */
export type FieldProps = {
  /** The form field name; also the id unless `id` is given (the error summary links to it). */
  name: string;
  id?: string;
  label: string;
  /** Make the label the page's `<h1>` (GOV.UK's "question pages" pattern). */
  labelIsPageHeading?: boolean;
  /** Label size: 's', 'm', 'l' or 'xl' (defaults to body size; 'l' for a page heading). */
  labelSize?: 's' | 'm' | 'l' | 'xl';
  hint?: Child;
  /** The problem with the value, as a plain sentence; puts the field in its error state. */
  error?: string | undefined;
  /** Extra classes for the form group, e.g. spacing overrides. */
  formGroupClass?: string;
  /** The strings for the page's language (the hidden "Error:" prefix). */
  strings: Strings;
};

/** The ids of the hint and error message a field points to with aria-describedby. */
export function describedBy(
  id: string,
  parts: { hint?: unknown; error?: string | undefined },
): string | undefined {
  const ids = [parts.hint ? `${id}-hint` : '', parts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** Joins class names, skipping empty ones. */
export function classes(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}

/** The `govuk-form-group` wrapper, in its error state when there is an error. */
export function FormGroup(props: { error?: string | undefined; class?: string; children?: Child }) {
  return (
    <div class={classes('govuk-form-group', props.error && 'govuk-form-group--error', props.class)}>
      {props.children}
    </div>
  );
}

/** A field's label; wrapped in the page's `<h1>` when it is the page heading. */
export function Label(props: {
  for: string;
  text: string;
  isPageHeading?: boolean;
  size?: FieldProps['labelSize'];
}) {
  const size = props.size ?? (props.isPageHeading ? 'l' : undefined);
  const label = (
    <label class={classes('govuk-label', size && `govuk-label--${size}`)} for={props.for}>
      {props.text}
    </label>
  );
  return props.isPageHeading ? <h1 class="govuk-label-wrapper">{label}</h1> : label;
}

/** Hint text under a label or legend. */
export function Hint(props: { id: string; children?: Child; class?: string }) {
  return (
    <div id={props.id} class={classes('govuk-hint', props.class)}>
      {props.children}
    </div>
  );
}

/** A field's error message, with a hidden "Error:" so screen readers say what it is. */
export function ErrorMessage(props: { id: string; text: string; strings: Strings }) {
  return (
    <p id={props.id} class="govuk-error-message">
      <span class="govuk-visually-hidden">{props.strings.components.errorPrefix}</span> {props.text}
    </p>
  );
}

/**
 * A fieldset for a group of controls (checkboxes, radios); the legend becomes the page's
 * `<h1>` when it is the page heading.
 */
export function Fieldset(props: {
  legend: string;
  isPageHeading?: boolean;
  size?: FieldProps['labelSize'];
  describedBy?: string | undefined;
  children?: Child;
}) {
  const size = props.size ?? (props.isPageHeading ? 'l' : undefined);
  return (
    <fieldset class="govuk-fieldset" aria-describedby={props.describedBy}>
      <legend class={classes('govuk-fieldset__legend', size && `govuk-fieldset__legend--${size}`)}>
        {props.isPageHeading ? (
          <h1 class="govuk-fieldset__heading">{props.legend}</h1>
        ) : (
          props.legend
        )}
      </legend>
      {props.children}
    </fieldset>
  );
}
