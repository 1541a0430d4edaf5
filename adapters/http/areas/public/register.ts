import type { Hono } from 'hono';
import { describeLink } from '../../../../core/access/link-requests.ts';
import type { Account } from '../../../../core/accounts/model.ts';
import type { PasswordProblem } from '../../../../core/accounts/password-policy.ts';
import {
  findRegistrationLink,
  register,
  sendRegistrationCode,
} from '../../../../core/accounts/register.ts';
import { MAILBOXES_PATH } from '../../../../views/components/acting-line.tsx';
import {
  type CodeProblemCode,
  RegisterWithCodePage,
} from '../../../../views/pages/auth/mailbox-proof.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { type Ctx, formOf, type PublicAreaDeps, type PublicContext } from './context.ts';
import { HOME_PATH, messagePath } from './paths.ts';

/**
 * Registering from a message's link: the code emailed to prove the address (a link
 * alone proves nothing), then the code and a password make the account.
 */
export function registerRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts } = deps;
  const { pageProps, render, startSession, ip, userAgent, target, invalidLink, registerStartPage } =
    shared;

  /**
   * Where a person who has just registered from a link to no message lands: the shared
   * mailboxes page when an invitation waits for them (the link in an invitation email),
   * so they see it at once, else the inbox.
   */
  const landingAfterRegister = async (account: Account): Promise<string> => {
    const memberships = await accounts.storage.repos.mailboxMembers.listForMember({
      memberId: account.id,
    });
    return memberships.some((m) => m.acceptedAt === null) ? MAILBOXES_PATH : HOME_PATH;
  };

  area.get('/register/:token', async (c) => {
    const token = c.req.param('token');
    const link = await findRegistrationLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (link.state === 'sign-in') return redirectKeepingLang(c, `/r/${token}`);
    const described = await describeLink(accounts, { token });
    return render(c, await registerStartPage(c, token, link.email, described));
  });

  // Emails the code that proves the address: a link alone proves nothing.
  area.post('/register/:token/code', async (c) => {
    const token = c.req.param('token');
    const link = await findRegistrationLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (link.state === 'sign-in') return redirectKeepingLang(c, `/r/${token}`);
    const described = await describeLink(accounts, { token });
    const limit = await deps.codeLimiter.hit(ip(c));
    const sent = limit.allowed
      ? await sendRegistrationCode(accounts, { token, pageLanguage: (await pageProps(c)).lang })
      : null;
    if (limit.allowed && !sent) return render(c, await invalidLink(c, 'message'), 404);
    if (!sent?.ok) {
      return render(c, await registerStartPage(c, token, link.email, described, true), 429);
    }
    return render(c, await registerWithCodePage(c, token, link.email, { codeSent: true }));
  });

  area.post('/register/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const code = body.get('code').slice(0, 40);
    if (!(await deps.codeCheckLimiter.hit(ip(c))).allowed) {
      const link = await findRegistrationLink(accounts, { token });
      if (link?.state !== 'register') return render(c, await invalidLink(c, 'message'), 404);
      const state = { code, codeProblem: 'too-many-tries' as const };
      return render(c, await registerWithCodePage(c, token, link.email, state), 429);
    }
    const result = await register(accounts, {
      token,
      code,
      password: body.get('password'),
      ip: ip(c),
      userAgent: userAgent(c),
    });
    if (result.ok) {
      await startSession(c, result);
      const target = result.deliveryId
        ? messagePath(result.deliveryId)
        : await landingAfterRegister(result.account);
      return redirectKeepingLang(c, target);
    }
    if (result.reason === 'already-registered') {
      const target = result.deliveryId ? messagePath(result.deliveryId) : HOME_PATH;
      return redirectKeepingLang(c, `/sign-in?next=${encodeURIComponent(target)}`);
    }
    if (result.reason === 'invalid-link') return render(c, await invalidLink(c, 'message'), 404);
    const link = await findRegistrationLink(accounts, { token });
    const email = link?.state === 'register' ? link.email : '';
    return render(
      c,
      await registerWithCodePage(c, token, email, {
        code,
        codeProblem: result.codeProblem,
        passwordProblems: result.problems,
      }),
      400,
    );
  });

  async function registerWithCodePage(
    c: Ctx,
    token: string,
    email: string,
    state: {
      codeSent?: boolean;
      code?: string;
      codeProblem?: CodeProblemCode | null;
      passwordProblems?: readonly PasswordProblem[];
    },
  ) {
    return RegisterWithCodePage({
      ...(await pageProps(c)),
      email,
      register: target(c, `/register/${token}`),
      resend: target(c, `/register/${token}/code`),
      code: state.code ?? '',
      codeProblem: state.codeProblem ?? null,
      passwordProblems: state.passwordProblems ?? [],
      codeSent: state.codeSent ?? false,
    });
  }
}
