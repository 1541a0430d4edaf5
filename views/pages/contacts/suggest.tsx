/**
 * The fragment htmx swaps in while an address is typed: a `<datalist>` of matching
 * contacts for the `to` or `cc` box. Each option completes the LAST address in the box
 * and keeps the ones before it, so choosing one never loses what was typed.
 */
export function SuggestionList(props: {
  field: 'to' | 'cc';
  /** Everything in the box before the address being typed, e.g. "a@x.gov.uk, ". */
  prefix: string;
  suggestions: Array<{ email: string; label: string }>;
}) {
  return (
    <datalist id={`${props.field}-suggestions`}>
      {props.suggestions.map((item) => (
        <option value={`${props.prefix}${item.email}`} label={item.label} />
      ))}
    </datalist>
  );
}
