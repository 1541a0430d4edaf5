import { createPrivateKey, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import type { SsoRefusal } from '../../../core/auth/sso/model.ts';
import type { SsoProvider, SsoTokens } from '../../../core/auth/sso/ports.ts';
import type { SsoConfig } from '../../config/sso-config.ts';
import type { Logger } from '../../logging/logger.ts';

/** Seconds any request to the provider may take. */
const TIMEOUT_SECONDS = 10;

/**
 * The council's OpenID provider through `openid-client` (v6), the certified relying
 * party library (docs/decisions/0029). Authorization code flow with PKCE (S256),
 * `state` and `nonce`. The discovery document is fetched on first use and kept; a
 * failed fetch is tried again at the next sign-in, so a provider that was down at start
 * does not need a restart.
 *
 * openid-client v6 does not check an ID token's signature when the token came straight
 * from the token endpoint over TLS (the spec allows that); `enableNonRepudiationChecks`
 * makes it check every ID token against the provider's JWKS, so a token altered on the
 * way, or signed by a key the provider does not publish, is refused.
 *
 * Plain http is allowed (`allowInsecureRequests`) only when the config said so, which it
 * does only for an issuer on 127.0.0.1 or localhost outside production: the tests' real
 * provider on loopback (adapters/config/sso-config.ts).
 */
export function openidProvider(options: {
  config: SsoConfig;
  /** `<PUBLIC_URL>/sign-in/sso/callback`, exactly as registered at the provider. */
  redirectUri: string;
  logger: Logger;
}): SsoProvider {
  const { config, redirectUri, logger } = options;
  let discovered: Promise<client.Configuration> | null = null;

  const configuration = (): Promise<client.Configuration> => {
    if (!discovered) {
      discovered = (async () => {
        const auth = await clientAuth(config);
        const execute = [client.enableNonRepudiationChecks];
        if (config.allowInsecure) execute.unshift(client.allowInsecureRequests);
        const found = await client.discovery(
          new URL(config.issuer),
          config.clientId,
          { redirect_uris: [redirectUri], response_types: ['code'] },
          auth,
          { execute, timeout: TIMEOUT_SECONDS },
        );
        found.timeout = TIMEOUT_SECONDS;
        return found;
      })();
      discovered.catch((error: unknown) => {
        logger.warn({ err: error }, 'the OpenID provider could not be discovered');
        discovered = null;
      });
    }
    return discovered;
  };

  return {
    async authorizationUrl({ state, nonce, codeVerifier }) {
      let found: client.Configuration;
      try {
        found = await configuration();
      } catch {
        return { ok: false, reason: 'provider-unreachable' };
      }
      const url = client.buildAuthorizationUrl(found, {
        redirect_uri: redirectUri,
        scope: config.scopes.join(' '),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { ok: true, url: url.href };
    },

    async finish({ callbackUrl, state, nonce, codeVerifier }) {
      try {
        const found = await configuration();
        const response = await client.authorizationCodeGrant(found, new URL(callbackUrl), {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        return { ok: true, tokens: tokensOf(response) };
      } catch (error) {
        const refusal = classify(error);
        logger.info({ code: refusal.code, reason: refusal.reason }, 'OpenID sign-in refused');
        return { ok: false, ...refusal };
      }
    },

    async refresh({ refreshToken }) {
      try {
        const found = await configuration();
        const response = await client.refreshTokenGrant(found, refreshToken);
        const tokens = tokensOf(response);
        if (response.id_token === undefined) {
          // No new ID token: the userinfo endpoint says what the provider says now.
          const info = await client.fetchUserInfo(
            found,
            response.access_token,
            client.skipSubjectCheck,
          );
          return { ok: true, tokens: { ...tokens, claims: { ...info } } };
        }
        return { ok: true, tokens };
      } catch (error) {
        return { ok: false, code: classify(error).code };
      }
    },
  };
}

function tokensOf(
  response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): SsoTokens {
  return {
    claims: { ...(response.claims() ?? {}) },
    refreshToken: typeof response.refresh_token === 'string' ? response.refresh_token : null,
  };
}

type Cause = { claim?: unknown; message?: unknown; cause?: Cause };

/**
 * Turns what openid-client threw into a refusal code for the audit trail and the page.
 * The claim comparisons name the claim (`iss`, `aud`, `nonce`, `exp`) in the error's
 * cause; a missing claim only in the message.
 */
export function classify(error: unknown): { reason: SsoRefusal; code: string | null } {
  if (error instanceof client.AuthorizationResponseError) {
    return { reason: 'provider-error', code: error.error };
  }
  if (error instanceof client.ResponseBodyError) {
    return { reason: 'provider-error', code: error.error };
  }
  if (error instanceof client.ClientError) {
    const code = error.code ?? null;
    const inner = (error.cause ?? {}) as Cause;
    const claim = inner.cause?.claim ?? inner.claim;
    const message = String(inner.message ?? error.message);
    if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') {
      return { reason: 'provider-unreachable', code };
    }
    if (claim === 'iss') return { reason: 'wrong-issuer', code };
    if (claim === 'aud' || claim === 'azp') return { reason: 'wrong-audience', code };
    if (claim === 'exp') return { reason: 'expired', code };
    if (claim === 'nonce' || message.includes('"nonce"')) return { reason: 'nonce-missing', code };
    return { reason: 'id-token-invalid', code };
  }
  // fetch's own failure (connection refused, DNS): the provider cannot be reached.
  if (error instanceof TypeError) return { reason: 'provider-unreachable', code: 'fetch-failed' };
  return { reason: 'id-token-invalid', code: null };
}

/**
 * How the client proves itself at the token endpoint: the client secret (sent in the
 * body, which Entra ID and most providers accept), or a JWT signed with the private key
 * (`private_key_jwt`). A JWK file may carry `kid` and Entra's certificate thumbprint
 * (`x5t`), which go in the assertion's header.
 */
async function clientAuth(config: SsoConfig): Promise<client.ClientAuth> {
  if (config.clientSecret !== null) return client.ClientSecretPost(config.clientSecret);
  const text = readFileSync(config.privateKeyPath as string, 'utf8').trim();
  const jwk = (
    text.startsWith('{') ? JSON.parse(text) : createPrivateKey(text).export({ format: 'jwk' })
  ) as webcrypto.JsonWebKey & { kid?: string; x5t?: string; 'x5t#S256'?: string };
  const alg = jwk.kty === 'EC' ? 'ES256' : 'RS256';
  const key = await webcrypto.subtle.importKey(
    'jwk',
    jwk,
    alg === 'ES256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return client.PrivateKeyJwt(
    { key: key as unknown as CryptoKey, ...(jwk.kid ? { kid: jwk.kid } : {}) },
    {
      [client.modifyAssertion]: (header) => {
        if (jwk.x5t) header.x5t = jwk.x5t;
        if (jwk['x5t#S256']) header['x5t#S256'] = jwk['x5t#S256'];
      },
    },
  );
}
