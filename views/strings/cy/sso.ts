import type { Translation } from '../index.ts';

/** Mewngofnodi sengl staff (single sign-on). Long sentences fall back to English. */
export const sso: NonNullable<Translation['sso']> = {
  staffHeading: 'Staff y cyngor',
  button: (provider: string) => `Mewngofnodi gyda ${provider}`,
  staffHint: 'Defnyddiwch eich cyfrif gwaith.',
  othersHeading: 'Pawb arall',
  // TODO(cy): othersHint
  refused: {
    title: 'Nid oedd modd eich mewngofnodi',
    tryAgain: 'Yn ôl i’r dudalen mewngofnodi',
    // TODO(cy): the reasons and passwordHint
  },
};
