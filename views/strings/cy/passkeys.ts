import type { Strings } from '../index.ts';

/** Passkeys in Welsh: the short strings; long sentences fall back to English for now. */
export const passkeys: Partial<Strings['passkeys']> = {
  title: 'Allweddi mynediad',
  // TODO(cy): intro, secondStep, needsJavaScript, recovery*, lastFactor, failed, tooMany
  noneYet: 'Nid oes gennych allweddi mynediad eto.',
  tableCaption: 'Eich allweddi mynediad',
  nameHeading: 'Enw',
  addedHeading: 'Ychwanegwyd',
  lastUsedHeading: 'Defnyddiwyd ddiwethaf',
  actionsHeading: 'Camau',
  neverUsed: 'Ddim eto',
  addHeading: 'Ychwanegu allwedd mynediad',
  nameLabel: 'Enw ar gyfer yr allwedd mynediad',
  addButton: 'Ychwanegu allwedd mynediad',
  defaultName: (n: number) => `Allwedd mynediad ${n}`,
  added: 'Ychwanegwyd allwedd mynediad',
  renamed: 'Ailenwyd yr allwedd mynediad',
  removed: 'Tynnwyd yr allwedd mynediad',
  renameLabel: (name: string) => `Enw newydd ar gyfer ${name}`,
  renameButton: 'Ailenwi',
  removeHeading: 'Tynnu allwedd mynediad',
  removeButton: (name: string) => `Tynnu ${name}`,
  emptyName: 'Rhowch enw ar gyfer yr allwedd mynediad',
  manageLink: 'Rheoli eich allweddi mynediad',
  useButton: 'Defnyddio allwedd mynediad',
  signInButton: 'Mewngofnodi gydag allwedd mynediad',
  or: 'neu',
  working: 'Yn aros am eich allwedd mynediad…',
};
