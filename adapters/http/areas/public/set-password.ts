import type { Hono } from 'hono';
import {
  completeSetPassword,
  findSetPasswordLink,
} from '../../../../core/accounts/set-password.ts';
import type { AppEnv } from '../../env.ts';
import { formOf, type PublicAreaDeps, type PublicContext } from './context.ts';

/** A new staff member's first password, from the link in their invitation email. */
export function setPasswordRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts } = deps;
  const { render, ip, userAgent, invalidLink, newPasswordPage, passwordLinkOutcome } = shared;

  // ---- A new staff member's first password ---------------------------------------------

  area.get('/set-password/:token', async (c) => {
    const link = await findSetPasswordLink(accounts, { token: c.req.param('token') });
    if (!link) return render(c, await invalidLink(c, 'set-password'), 404);
    return render(c, await newPasswordPage(c, 'set-password', link.email, c.req.path));
  });

  area.post('/set-password/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const input = { token, password: body.get('password'), ip: ip(c), userAgent: userAgent(c) };
    const result = await completeSetPassword(accounts, input);
    return passwordLinkOutcome(c, 'set-password', token, result);
  });
}
