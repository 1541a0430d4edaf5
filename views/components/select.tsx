import {
  classes,
  describedBy,
  ErrorMessage,
  type FieldProps,
  FormGroup,
  Hint,
  Label,
} from './field.tsx';

/** One option of a select. */
export type SelectItem = { value: string; text: string; disabled?: boolean };

/**
 * A GOV.UK select; `value` is the chosen option (kept on error). GOV.UK advises radios
 * where there are few options: a select is for long lists.
 */
export function Select(props: FieldProps & { items: SelectItem[]; value?: string | undefined }) {
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
      <select
        class={classes('govuk-select', props.error && 'govuk-select--error')}
        id={id}
        name={props.name}
        aria-describedby={describedBy(id, props)}
      >
        {props.items.map((item) => (
          <option value={item.value} selected={item.value === props.value} disabled={item.disabled}>
            {item.text}
          </option>
        ))}
      </select>
    </FormGroup>
  );
}
