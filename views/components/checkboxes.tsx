import { ChoiceGroup, type ChoiceGroupProps } from './choices.tsx';

/**
 * GOV.UK checkboxes in a fieldset; `values` are the ticked ones (kept on error). A
 * single checkbox without a question may leave out `legend`.
 */
export function Checkboxes(props: ChoiceGroupProps & { values?: readonly string[] | undefined }) {
  const ticked = new Set(props.values ?? []);
  return <ChoiceGroup {...props} kind="checkboxes" isChecked={(value) => ticked.has(value)} />;
}
