import { classes } from './field.tsx';

/** The tag colours GOV.UK Frontend 6 provides (blue when none is given). */
export type TagColour =
  | 'grey'
  | 'green'
  | 'purple'
  | 'red'
  | 'orange'
  | 'teal'
  | 'magenta'
  | 'yellow';

/**
 * A GOV.UK tag for a status ("Unread", "Expired", "Read only"). Colour never carries
 * the meaning alone: the text does.
 */
export function Tag(props: { text: string; colour?: TagColour; class?: string }) {
  return (
    <strong class={classes('govuk-tag', props.colour && `govuk-tag--${props.colour}`, props.class)}>
      {props.text}
    </strong>
  );
}
