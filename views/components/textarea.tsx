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
 * A GOV.UK textarea; keeps the typed text. With `maxLength` it says the limit in the
 * hint (GOV.UK's live character count needs JavaScript; the server checks the limit).
 */
export function Textarea(
  props: FieldProps & {
    value?: string | undefined;
    rows?: number;
    maxLength?: number;
    spellcheck?: boolean;
    autocomplete?: string;
  },
) {
  const id = props.id ?? props.name;
  const limit = props.maxLength ? props.strings.components.characterLimit(props.maxLength) : null;
  const hint =
    props.hint || limit ? (
      <>
        {props.hint}
        {props.hint && limit ? ' ' : null}
        {limit}
      </>
    ) : null;
  return (
    <FormGroup error={props.error} class={props.formGroupClass}>
      <Label
        for={id}
        text={props.label}
        isPageHeading={props.labelIsPageHeading}
        size={props.labelSize}
      />
      {hint ? <Hint id={`${id}-hint`}>{hint}</Hint> : null}
      {props.error ? (
        <ErrorMessage id={`${id}-error`} text={props.error} strings={props.strings} />
      ) : null}
      <textarea
        class={classes('govuk-textarea', props.error && 'govuk-textarea--error')}
        id={id}
        name={props.name}
        rows={props.rows ?? 5}
        spellcheck={props.spellcheck}
        autocomplete={props.autocomplete}
        aria-describedby={describedBy(id, { hint, error: props.error })}
      >
        {/* HTML drops one newline right after <textarea>: this one, not the user's. */}
        {'\n'}
        {props.value ?? ''}
      </textarea>
    </FormGroup>
  );
}
