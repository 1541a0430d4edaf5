import {
  classes,
  describedBy,
  ErrorMessage,
  type FieldProps,
  FormGroup,
  Hint,
  Label,
} from './field.tsx';

/** GOV.UK input widths: `20` suits an email address, `10` a code, `full` a subject. */
export type InputWidth = '2' | '3' | '4' | '5' | '10' | '20' | '30' | 'full';

/** A GOV.UK text input with label, hint and error message; keeps the typed value. */
export function TextInput(
  props: FieldProps & {
    value?: string | undefined;
    type?: 'text' | 'email' | 'tel' | 'url' | 'search';
    /** Helps browsers and password managers fill the field (`email`, `name`, `one-time-code`). */
    autocomplete?: string;
    inputmode?: 'text' | 'numeric' | 'email' | 'tel' | 'url' | 'decimal' | 'search';
    spellcheck?: boolean;
    width?: InputWidth;
  },
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
        class={classes(
          'govuk-input',
          props.width &&
            (props.width === 'full' ? 'govuk-!-width-full' : `govuk-input--width-${props.width}`),
          props.error && 'govuk-input--error',
        )}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        spellcheck={props.spellcheck}
        aria-describedby={describedBy(id, props)}
      />
    </FormGroup>
  );
}
