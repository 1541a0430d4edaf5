import type { Hono } from 'hono';
import { describeLink } from '../../../../core/access/link-requests.ts';
import { findRegistrationLink } from '../../../../core/accounts/register.ts';
import { LinkStartPage } from '../../../../views/pages/auth/link.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { isAddressee, type PublicAreaDeps, type PublicContext } from './context.ts';
import { HOME_PATH, messagePath } from './paths.ts';

/**
 * The link in a notification email: to the message for someone with an account (after
 * signing in), to registering with the emailed code for someone without one.
 */
export function messageLinkRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts } = deps;
  const { pageProps, render, invalidLink, registerStartPage } = shared;

  // ---- Links in notification emails ------------------------------------------------

  // A GET only shows a button: mail scanners that follow links must not get further.
  // `/open/<token>` is the same link under the name core/messages/new-delivery.ts uses.
  for (const linkPath of ['/r/:token', '/open/:token']) {
    area.get(linkPath, async (c) =>
      render(c, LinkStartPage({ ...(await pageProps(c)), action: c.req.path })),
    );

    area.post(linkPath, async (c) => {
      const token = c.req.param('token') ?? '';
      const link = await findRegistrationLink(accounts, { token });
      if (!link) return render(c, await invalidLink(c, 'message'), 404);
      const described = await describeLink(accounts, { token });
      if (link.state === 'sign-in') {
        const target = link.deliveryId ? messagePath(link.deliveryId) : HOME_PATH;
        const account = c.get('account');
        // Signed in as someone else: this is not their message; they may ask for it.
        if (account && described && !isAddressee(account, described)) {
          return redirectKeepingLang(c, `/r/${token}/ask`);
        }
        if (account) return redirectKeepingLang(c, target);
        const linkParam = described ? `&link=${encodeURIComponent(token)}` : '';
        return redirectKeepingLang(c, `/sign-in?next=${encodeURIComponent(target)}${linkParam}`);
      }
      return render(c, await registerStartPage(c, token, link.email, described));
    });
  }
}
