import type { SsoRefusal } from '../../../core/auth/sso/model.ts';

/** Staff single sign-on through the council's OpenID provider (docs/admin/entra-id.md). */
export const sso = {
  /** Above the provider's button, so a recipient knows it is not for them. */
  staffHeading: 'Council staff',
  button: (provider: string) => `Sign in with ${provider}`,
  staffHint: 'Use your work account.',
  /** Above the email and password form when the provider's button is shown. */
  othersHeading: 'Everyone else',
  othersHint: 'If you were sent a secure message, sign in with your email address and password.',
  refused: {
    title: 'You could not be signed in',
    /** One sentence per reason; the audit trail keeps the code. */
    reasons: {
      'state-unknown':
        'The sign-in took too long or was not started here. Start again from the sign-in page.',
      'state-replayed': 'This sign-in has already been used. Start again from the sign-in page.',
      'other-browser':
        'The sign-in was started in a different browser. Start again in this browser.',
      'provider-error': 'Your organisation’s account service did not sign you in.',
      'provider-unreachable':
        'Your organisation’s account service cannot be reached just now. Try again in a few minutes.',
      'id-token-invalid':
        'The answer from your organisation’s account service could not be checked, so it was not trusted.',
      'wrong-issuer':
        'The answer came from an account service this portal does not trust, so it was not accepted.',
      'wrong-audience': 'The answer was meant for a different application, so it was not accepted.',
      expired: 'The answer from your organisation’s account service had expired. Try again.',
      'nonce-missing':
        'The answer from your organisation’s account service could not be matched to this sign-in, so it was not accepted.',
      'wrong-tenant':
        'Your account belongs to a different organisation from the one this portal works with.',
      'no-role':
        'Your work account does not give you access to this portal. Ask your IT service desk if you need it.',
      'recipient-address':
        'Your email address is already used here by an account that cannot sign in this way. Ask your administrator.',
      disabled: 'Your account here has been disabled. Ask your administrator.',
      'no-email':
        'Your organisation’s account service did not give an email address, so no account could be made.',
      'refresh-failed':
        'Your organisation’s account service no longer confirms your access. Sign in again.',
      /** Not a refusal by the provider: this connection started too many sign-ins. */
      'too-many':
        'There have been too many attempts to sign in from your connection. Wait a few minutes and try again.',
    } satisfies Record<SsoRefusal | 'too-many', string>,
    tryAgain: 'Back to the sign-in page',
    passwordHint: 'If you have a password for this portal, you can use it on the sign-in page.',
  },
};
