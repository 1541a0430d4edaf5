import type { SsoClaims, SsoRefusal } from './model.ts';

/** What a sign-in at the provider returned, once its ID token has been validated. */
export type SsoTokens = {
  /** The validated ID token's claims (or, on a refresh without one, the userinfo). */
  claims: SsoClaims;
  /** The provider's refresh token, or null when it gave none. */
  refreshToken: string | null;
};

/**
 * The council's OpenID provider, as the core needs it (adapters/auth/oidc implements
 * it with openid-client). Every answer is a value: a provider that cannot be reached
 * or a token that fails a check is an expected outcome, not an exception.
 */
export type SsoProvider = {
  /**
   * The provider's authorization URL for this sign-in: authorization code flow with
   * PKCE (S256), `state` and `nonce`. Fails only when the provider's discovery
   * document cannot be fetched.
   */
  authorizationUrl(args: {
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<{ ok: true; url: string } | { ok: false; reason: 'provider-unreachable' }>;
  /**
   * Finishes the sign-in from the callback URL the browser brought back: checks the
   * `state`, exchanges the code (with the PKCE verifier), and validates the ID token
   * (signature against the provider's JWKS, issuer, audience, expiry, nonce). `code`
   * is the library's error code, for the audit trail.
   */
  finish(args: {
    callbackUrl: string;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<
    { ok: true; tokens: SsoTokens } | { ok: false; reason: SsoRefusal; code: string | null }
  >;
  /**
   * Asks the provider again, with the refresh token, whether the person still signs in
   * and what their claims are now. Fails when the provider refuses the refresh (the
   * user removed, the grant revoked) or cannot be reached.
   */
  refresh(args: {
    refreshToken: string;
  }): Promise<{ ok: true; tokens: SsoTokens } | { ok: false; code: string | null }>;
};
