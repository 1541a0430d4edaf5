import type { Hono } from 'hono';
import { normaliseEmail } from '../../../../core/accounts/email.ts';
import {
  completePasswordReset,
  findResetLink,
  requestPasswordReset,
} from '../../../../core/accounts/reset-password.ts';
import { ResetRequestPage, ResetSentPage } from '../../../../views/pages/auth/reset-request.tsx';
import type { AppEnv } from '../../env.ts';
import { formOf, type PublicAreaDeps, type PublicContext } from './context.ts';

/** A forgotten password: asking for the emailed link, then choosing a new password. */
export function resetRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts } = deps;
  const { pageProps, render, ip, userAgent, invalidLink, newPasswordPage, passwordLinkOutcome } =
    shared;

  // ---- Forgotten password ------------------------------------------------------------

  area.get('/reset', async (c) =>
    render(c, ResetRequestPage({ ...(await pageProps(c)), email: '' })),
  );

  area.post('/reset', async (c) => {
    const body = await formOf(c);
    const email = body.get('email').trim().slice(0, 320);
    const props = await pageProps(c);
    const s = props.strings.auth.reset;
    const problem =
      email === '' ? s.emailMissing : normaliseEmail(email).ok ? undefined : s.emailInvalid;
    if (problem) return render(c, ResetRequestPage({ ...props, email, error: problem }), 400);
    // Over the limit, the page is the same but nothing is sent: the answer must not
    // differ from the one for an unknown address.
    if ((await deps.resetLimiter.hit(ip(c))).allowed) {
      await requestPasswordReset(accounts, { email, ip: ip(c), pageLanguage: props.lang });
    }
    return render(c, ResetSentPage({ ...props, email }));
  });

  area.get('/reset/:token', async (c) => {
    const link = await findResetLink(accounts, { token: c.req.param('token') });
    if (!link) return render(c, await invalidLink(c, 'reset'), 404);
    return render(c, await newPasswordPage(c, 'reset', link.email, c.req.path));
  });

  area.post('/reset/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const input = { token, password: body.get('password'), ip: ip(c), userAgent: userAgent(c) };
    const result = await completePasswordReset(accounts, input);
    return passwordLinkOutcome(c, 'reset', token, result);
  });
}
