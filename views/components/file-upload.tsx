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
 * A file input (the form needs `enctype="multipart/form-data"`). A browser cannot be
 * given a file back, so after an error the person chooses it again: say so in the error.
 */
export function FileUpload(
  props: FieldProps & {
    multiple?: boolean;
    /** File types to offer in the picker, e.g. `.pdf,.docx`; the server still checks. */
    accept?: string;
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
        class={classes('govuk-file-upload', props.error && 'govuk-file-upload--error')}
        id={id}
        name={props.name}
        type="file"
        multiple={props.multiple}
        accept={props.accept}
        aria-describedby={describedBy(id, props)}
      />
    </FormGroup>
  );
}
