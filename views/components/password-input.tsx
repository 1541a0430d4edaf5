import {
  classes,
  describedBy,
  ErrorMessage,
  type FieldProps,
  FormGroup,
  Hint,
  Label,
} from './field.tsx';

/**
 * A password field. Never takes a value: a password is not sent back into a page (it
 * would sit in the HTML, in caches and in the browser's history). `autocomplete` tells
 * password managers whether to fill a saved password or offer a new one.
 *
 * GOV.UK's show/hide button needs GOV.UK Frontend's JavaScript, which Sealpost does not
 * ship, so the field is the plain input that works everywhere.
 */
export function PasswordInput(
  props: FieldProps & { autocomplete: 'current-password' | 'new-password' },
) {
  const id = props.id ?? props.name;
  return (
    <FormGroup error={props.error} class={props.formGroupClass}>
      <Label
        for={id}
        text={props.label}
        isPageHeading={props.labelIsPageHeading}
        size={props.labelSize}
      />
      {props.hint ? <Hint id={`${id}-hint`}>{props.hint}</Hint> : null}
      {props.error ? (
        <ErrorMessage id={`${id}-error`} text={props.error} strings={props.strings} />
      ) : null}
      <input
        class={classes('govuk-input govuk-input--width-20', props.error && 'govuk-input--error')}
        id={id}
        name={props.name}
        type="password"
        spellcheck={false}
        autocapitalize="none"
        autocomplete={props.autocomplete}
        aria-describedby={describedBy(id, props)}
      />
    </FormGroup>
  );
}
