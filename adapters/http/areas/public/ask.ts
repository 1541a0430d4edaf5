import type { Hono } from 'hono';
import {
  describeLink,
  type LinkInfo,
  MAX_REASON_LENGTH,
  requestAccessByLink,
  sendLinkRequestCode,
} from '../../../../core/access/link-requests.ts';
import {
  AskAccessPage,
  AskDonePage,
  AskOffPage,
} from '../../../../views/pages/auth/mailbox-proof.tsx';
import type { AppEnv } from '../../env.ts';
import { type Ctx, formOf, type PublicAreaDeps, type PublicContext } from './context.ts';

/**
 * "This message was sent to someone else": a person who followed another's link asks
 * its sender for access, proving their own address with an emailed code.
 */
export function askRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts } = deps;
  const { pageProps, render, ip, target, invalidLink } = shared;

  // ---- "This message was sent to someone else" ----------------------------------------

  area.get('/r/:token/ask', async (c) => {
    const token = c.req.param('token');
    const link = await describeLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (!link.canAsk) return render(c, await askOffPage(c, link));
    return render(c, await askPage(c, token, link, { step: 'email' }));
  });

  area.post('/r/:token/ask', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const typed = { email: body.get('email').trim().slice(0, 320), reason: askReason(body) };
    const link = await describeLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (!link.canAsk) return render(c, await askOffPage(c, link));
    if (!(await deps.codeLimiter.hit(ip(c))).allowed) {
      const problems = ['too-many-codes'] as const;
      return render(c, await askPage(c, token, link, { step: 'email', ...typed, problems }), 429);
    }
    const sent = await sendLinkRequestCode(accounts, {
      token,
      email: typed.email,
      pageLanguage: (await pageProps(c)).lang,
    });
    if (!sent.ok && sent.reason === 'not-found')
      return render(c, await invalidLink(c, 'message'), 404);
    if (!sent.ok && sent.reason === 'off') return render(c, await askOffPage(c, link));
    if (!sent.ok && sent.reason === 'invalid') {
      const problems = sent.problems;
      return render(c, await askPage(c, token, link, { step: 'email', ...typed, problems }), 400);
    }
    const email = sent.ok ? sent.email : typed.email;
    return render(c, await askPage(c, token, link, { step: 'code', ...typed, email }));
  });

  area.post('/r/:token/ask/confirm', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const typed = {
      email: body.get('email').trim().slice(0, 320),
      reason: askReason(body),
      code: body.get('code').slice(0, 40),
    };
    if (!(await deps.codeCheckLimiter.hit(ip(c))).allowed) {
      const link = await describeLink(accounts, { token });
      if (!link) return render(c, await invalidLink(c, 'message'), 404);
      const problems = ['too-many-tries'] as const;
      return render(c, await askPage(c, token, link, { step: 'code', ...typed, problems }), 429);
    }
    const result = await requestAccessByLink(accounts, { token, ...typed, ip: ip(c) });
    const link = await describeLink(accounts, { token });
    if (!link || (!result.ok && result.reason === 'not-found')) {
      return render(c, await invalidLink(c, 'message'), 404);
    }
    if (!result.ok && result.reason === 'off') return render(c, await askOffPage(c, link));
    if (!result.ok && result.reason === 'invalid') {
      const problems = result.problems;
      return render(c, await askPage(c, token, link, { step: 'code', ...typed, problems }), 400);
    }
    if (!result.ok) return render(c, await invalidLink(c, 'message'), 404);
    return render(
      c,
      AskDonePage({
        ...(await pageProps(c)),
        status: result.status,
        merged: result.merged,
        senderName: link.senderName,
      }),
    );
  });

  async function askPage(
    c: Ctx,
    token: string,
    link: LinkInfo,
    state: {
      step: 'email' | 'code';
      email?: string;
      reason?: string;
      code?: string;
      problems?: Parameters<typeof AskAccessPage>[0]['problems'];
    },
  ) {
    return AskAccessPage({
      ...(await pageProps(c)),
      step: state.step,
      senderName: link.senderName,
      email: state.email ?? '',
      reason: state.reason ?? '',
      code: state.code ?? '',
      problems: state.problems ?? [],
      submit: target(c, state.step === 'email' ? `/r/${token}/ask` : `/r/${token}/ask/confirm`),
      resend: target(c, `/r/${token}/ask`),
      maxReason: MAX_REASON_LENGTH,
    });
  }

  async function askOffPage(c: Ctx, link: LinkInfo) {
    return AskOffPage({
      ...(await pageProps(c)),
      contact: { name: link.senderName, email: link.senderEmail },
    });
  }
}

/** The reason typed on the "ask the sender" forms, kept whole up to a little past its limit. */
function askReason(body: { get(name: string): string }): string {
  return body.get('reason').slice(0, MAX_REASON_LENGTH + 100);
}
