import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
// oidc-provider ships no type declarations; the little used here is typed below.
// @ts-expect-error: no declaration file
import Provider from 'oidc-provider';
import { freePort } from './cli.ts';

/** A person at the test provider: what their ID token will say. */
export type ProviderUser = {
  email: string;
  name: string;
  /** The values of the `roles` claim (Entra-style app roles). */
  roles: string[];
  /** Entra's tenant id claim, when the test wants one. */
  tid?: string;
};

/** How the next ID token from the token endpoint is spoiled, to test each refusal. */
export type Spoil =
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'no-nonce'
  | 'tampered'
  | 'foreign-key'
  | 'wrong-tenant';

/** The running provider and the handles a test turns. */
export type TestOidcProvider = {
  /** `http://127.0.0.1:<port>`: the issuer, and where discovery is. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The people who can sign in, by login name (also their `sub`); change at run time. */
  users: Map<string, ProviderUser>;
  /** Spoils the ID token of the next authorization-code exchange only. */
  spoilNext(spoil: Spoil): void;
  stop(): Promise<void>;
};

type Claims = Record<string, unknown>;
type KoaCtx = {
  path: string;
  method: string;
  body: unknown;
  oidc?: { params?: { grant_type?: string } };
};

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs `claims` as an RS256 JWT with `key` under `kid`, as the provider itself does. */
function signJwt(key: KeyObject, kid: string, claims: Claims): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64url(signature)}`;
}

function decode(jwt: string): { parts: string[]; claims: Claims } {
  const parts = jwt.split('.');
  return { parts, claims: JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) };
}

/**
 * Starts oidc-provider, an OpenID Certified provider (not a mock), on a free loopback
 * port over plain http, with one confidential client for the portal (`redirectUri`),
 * people whose roles the test changes at run time (`findAccount` reads the map, so a
 * person removed from it can neither sign in nor refresh), refresh tokens for every
 * sign-in, and the profile claims (roles, tid) in the ID token as Entra ID puts them.
 *
 * The signing key is made here, so the test holds the private key: a post-middleware
 * on the token endpoint can re-sign the next ID token with a wrong issuer, audience,
 * expiry or without its nonce, alter it without re-signing, or sign it with a key the
 * provider does not publish.
 *
 * Its login and consent pages are oidc-provider's own development pages (any login
 * name, any password): the login name is the person's `sub`.
 */
export async function startTestOidcProvider(args: {
  redirectUri: string;
  /** More clients, as oidc-provider's client metadata (a `private_key_jwt` one, say). */
  clients?: Array<Record<string, unknown>>;
}): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const kid = 'test-signing-key';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const users = new Map<string, ProviderUser>();
  const clientId = 'sealpost-portal';
  const clientSecret = 'a-long-test-client-secret-that-is-not-used-anywhere-else';
  let spoil: Spoil | null = null;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [args.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      ...(args.clients ?? []),
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test cookie key one', 'test cookie key two'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'roles', 'tid'],
    },
    // Entra ID puts profile claims and roles in the ID token itself.
    conformIdTokenClaims: false,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // A refresh token at every sign-in, as Entra ID gives with offline_access.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, sub: string) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          const current = users.get(sub) ?? user;
          return {
            sub,
            email: current.email,
            email_verified: true,
            name: current.name,
            roles: current.roles,
            ...(current.tid ? { tid: current.tid } : {}),
          };
        },
      };
    },
  });
  provider.proxy = false;

  provider.use(async (ctx: KoaCtx, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== '/token' || !spoil || !body || typeof body.id_token !== 'string') return;
    if (ctx.oidc?.params?.grant_type !== 'authorization_code') return;
    const how = spoil;
    spoil = null;
    const { parts, claims } = decode(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const resign = (changed: Claims) => signJwt(privateKey, kid, changed);
    switch (how) {
      case 'wrong-issuer':
        body.id_token = resign({ ...claims, iss: 'http://127.0.0.1:1/not-the-provider' });
        break;
      case 'wrong-audience':
        body.id_token = resign({ ...claims, aud: 'some-other-application' });
        break;
      case 'expired':
        body.id_token = resign({ ...claims, iat: now - 7200, exp: now - 3600 });
        break;
      case 'no-nonce': {
        const { nonce: _dropped, ...rest } = claims;
        body.id_token = resign(rest);
        break;
      }
      case 'wrong-tenant':
        body.id_token = resign({ ...claims, tid: 'another-tenant' });
        break;
      case 'tampered': {
        // The payload made an admin, the provider's signature left as it was.
        const altered = b64url(JSON.stringify({ ...claims, roles: ['Sealpost.Admin'] }));
        body.id_token = `${parts[0]}.${altered}.${parts[2]}`;
        break;
      }
      case 'foreign-key':
        body.id_token = signJwt(foreign, kid, claims);
        break;
    }
  });

  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    users,
    spoilNext(how) {
      spoil = how;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
