import type { Child } from 'hono/jsx';
import {
  classes,
  describedBy,
  ErrorMessage,
  type FieldProps,
  Fieldset,
  FormGroup,
  Hint,
} from './field.tsx';

/** One checkbox or radio button. */
export type ChoiceItem = {
  value: string;
  text: string;
  hint?: Child;
  /** Defaults to the group's name for the first item (the error summary links there), then name-2, name-3... */
  id?: string;
  disabled?: boolean;
};

/** What checkboxes and radios share: a fieldset with a legend, unless there is only one box. */
export type ChoiceGroupProps = Omit<FieldProps, 'label' | 'labelIsPageHeading' | 'labelSize'> & {
  /** The question; omit it only for a single checkbox that needs no group. */
  legend?: string;
  legendIsPageHeading?: boolean;
  legendSize?: FieldProps['labelSize'];
  items: ChoiceItem[];
  small?: boolean;
};

/** Renders GOV.UK checkboxes or radios (the markup is the same but for the class prefix). */
export function ChoiceGroup(
  props: ChoiceGroupProps & {
    kind: 'checkboxes' | 'radios';
    isChecked: (value: string) => boolean;
    inline?: boolean;
  },
) {
  const idPrefix = props.id ?? props.name;
  const block = `govuk-${props.kind}`;
  const type = props.kind === 'checkboxes' ? 'checkbox' : 'radio';
  const groupDescribedBy = describedBy(idPrefix, props);
  const body = (
    <>
      {props.hint ? <Hint id={`${idPrefix}-hint`}>{props.hint}</Hint> : null}
      {props.error ? (
        <ErrorMessage id={`${idPrefix}-error`} text={props.error} strings={props.strings} />
      ) : null}
      <div
        class={classes(block, props.small && `${block}--small`, props.inline && `${block}--inline`)}
        data-module={block}
      >
        {props.items.map((item, index) => {
          const id = item.id ?? (index === 0 ? idPrefix : `${idPrefix}-${index + 1}`);
          const itemHintId = `${id}-item-hint`;
          return (
            <div class={`${block}__item`}>
              <input
                class={`${block}__input`}
                id={id}
                name={props.name}
                type={type}
                value={item.value}
                checked={props.isChecked(item.value)}
                disabled={item.disabled}
                aria-describedby={
                  // Without a fieldset nothing else would point at the group's hint/error.
                  [item.hint ? itemHintId : '', props.legend ? '' : (groupDescribedBy ?? '')]
                    .filter(Boolean)
                    .join(' ') || undefined
                }
              />
              <label class={`govuk-label ${block}__label`} for={id}>
                {item.text}
              </label>
              {item.hint ? (
                <div id={itemHintId} class={`govuk-hint ${block}__hint`}>
                  {item.hint}
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </>
  );
  return (
    <FormGroup error={props.error} class={props.formGroupClass}>
      {props.legend ? (
        <Fieldset
          legend={props.legend}
          isPageHeading={props.legendIsPageHeading}
          size={props.legendSize}
          describedBy={groupDescribedBy}
        >
          {body}
        </Fieldset>
      ) : (
        body
      )}
    </FormGroup>
  );
}
