import { ChoiceGroup, type ChoiceGroupProps } from './choices.tsx';

/** GOV.UK radios in a fieldset; `value` is the chosen one (kept on error). */
export function Radios(
  props: ChoiceGroupProps & {
    value?: string | undefined;
    /** Side by side, for two short answers such as Yes and No. */
    inline?: boolean;
  },
) {
  return <ChoiceGroup {...props} kind="radios" isChecked={(value) => value === props.value} />;
}
