/** Passkeys: the account page that lists them, and signing in with one. */
export const passkeys = {
  title: 'Passkeys',
  intro:
    'A passkey lets you sign in with your phone, your computer or a security key, using your fingerprint, face or PIN, instead of typing a code. It cannot be copied onto a fake website.',
  secondStep:
    'After your password, you can use a passkey instead of a code from an app. You can have more than one passkey: one on your phone and one on your computer, say.',
  noneYet: 'You have no passkeys yet.',
  needsJavaScript:
    'Adding a passkey needs JavaScript and a browser that supports passkeys. You can still sign in with your password and an authenticator app.',
  tableCaption: 'Your passkeys',
  nameHeading: 'Name',
  addedHeading: 'Added',
  lastUsedHeading: 'Last used',
  actionsHeading: 'Actions',
  neverUsed: 'Not yet',
  addHeading: 'Add a passkey',
  nameLabel: 'Name for the passkey',
  nameHint: 'So you can tell your passkeys apart, for example “Work laptop” or “My phone”.',
  addButton: 'Add a passkey',
  defaultName: (n: number) => `Passkey ${n}`,
  added: 'Passkey added',
  renamed: 'Passkey renamed',
  removed: 'Passkey removed',
  renameLabel: (name: string) => `New name for ${name}`,
  renameButton: 'Rename',
  removeHeading: 'Remove a passkey',
  removeButton: (name: string) => `Remove ${name}`,
  removePasswordHint: 'Because this changes how you sign in, we need your password again.',
  emptyName: 'Enter a name for the passkey',
  lastFactor:
    'You cannot remove your only way of proving it is you. Set up an authenticator app or another passkey first.',
  failed:
    'That passkey did not work. Try again, or use your password and authenticator app instead.',
  tooMany: 'You have as many passkeys as an account can have. Remove one first.',
  recoveryRecipient:
    'If you lose the device a passkey is on, you can still sign in with your password and, if you set one up, your authenticator app or a recovery code. We suggest setting up an authenticator app too, for its recovery codes.',
  recoveryStaff:
    'If you lose the device a passkey is on, use another passkey or your authenticator app. If you have neither, ask an administrator to reset your second factor.',
  manageLink: 'Manage your passkeys',
  accountBody: 'Sign in with your fingerprint, face, PIN or a security key.',
  // Signing in.
  useButton: 'Use a passkey',
  signInButton: 'Sign in with a passkey',
  onlyPasskeyNoScript:
    'Your account uses a passkey. Passkeys need JavaScript: turn it on, or use a browser that supports passkeys. If you set up an authenticator app as well, enter its code below.',
  or: 'or',
  working: 'Waiting for your passkey…',
};
