import type { Role } from '../../accounts/model.ts';

/** The staff roles a provider's group or app role can grant. */
export type StaffRole = Exclude<Role, 'recipient'>;

/**
 * How the council's OpenID provider is read (docs/admin/entra-id.md): which claim
 * carries the person's groups or app roles, what each value grants here, and the
 * tenant the ID token must come from. Built once from the config.
 */
export type SsoPolicy = {
  /** The provider's issuer URL, exactly as its discovery document gives it. */
  issuer: string;
  /** The ID token claim that lists groups or app roles (`roles` for Entra app roles). */
  rolesClaim: string;
  /** Claim value (case-sensitive) -> Sealpost role. */
  roleMap: Record<string, StaffRole>;
  /** When set, the ID token's `tid` must equal it (Entra ID: the council's tenant). */
  tenantId: string | null;
  /** True when the provider always asks a second factor: its sign-in counts as one here. */
  providerMfa: boolean;
};

/**
 * Why a sign-in through the provider was refused, for the audit trail
 * (`account.sso-refused`, `details.reason`) and for choosing the words on the page.
 * Core returns these codes; views/strings say them.
 */
export type SsoRefusal =
  /** The callback's `state` names no sign-in started here (or it has expired). */
  | 'state-unknown'
  /** The `state` was already used: the callback URL was replayed. */
  | 'state-replayed'
  /** The callback came to a browser that did not start the sign-in (no or wrong cookie). */
  | 'other-browser'
  /** The provider answered with an error (the person cancelled, or it refused them). */
  | 'provider-error'
  /** The provider could not be reached or answered nonsense. */
  | 'provider-unreachable'
  /** The ID token failed a check not named below (its signature, say). */
  | 'id-token-invalid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'nonce-missing'
  | 'wrong-tenant'
  /** The provider grants this person no Sealpost role (or no longer does). */
  | 'no-role'
  /** The address belongs to someone outside the council here. */
  | 'recipient-address'
  /** The account is disabled here. */
  | 'disabled'
  /** The ID token has no usable email address for a new account. */
  | 'no-email'
  /** The provider would not renew the session at a recheck (user removed, grant revoked). */
  | 'refresh-failed';

/** What the ID token says about the person, after the library has validated it. */
export type SsoClaims = Record<string, unknown>;
