import type { Hono } from 'hono';
import { NotFoundPage } from '../../../../views/pages/errors.tsx';
import { HelpIndexPage, HelpTopicPage } from '../../../../views/pages/help/help.tsx';
import { InfoPage } from '../../../../views/pages/info.tsx';
import { HELP_TOPICS, type HelpTopicKey } from '../../../../views/strings/en/help.ts';
import type { AppEnv } from '../../env.ts';
import { basics, type Ctx, type RecipientAreaDeps, render } from './context.ts';

/**
 * The help pages, the privacy notice and the accessibility statement: signed in or
 * not, so the footer's links work for everyone.
 */
export function helpRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app } = deps;

  /** Help pages show the menu to a signed-in person and nothing extra to anyone else. */
  const helpProps = async (c: Ctx) => {
    const { lang, strings, org } = await basics(deps, c);
    const account = c.get('account');
    return account
      ? { lang, strings, org, account, csrfToken: c.get('csrfToken') }
      : { lang, strings, org, account: null };
  };

  area.get('/help', async (c) => render(c, HelpIndexPage(await helpProps(c))));

  // The footer's privacy notice and accessibility statement, signed in or not.
  area.get('/privacy', async (c) => {
    const props = await helpProps(c);
    const settings = await app.settings.get();
    const page = props.strings.info.privacy({
      orgName: settings.orgName,
      accessDays: settings.accessDays,
      retentionDays: settings.retentionDays,
      rememberMeDays: app.config.rememberMeDays,
      idleMinutes: app.config.sessionIdleMinutes,
    });
    return render(c, InfoPage({ ...props, page }));
  });

  area.get('/accessibility', async (c) => {
    const props = await helpProps(c);
    const page = props.strings.info.accessibility({
      orgName: props.org.name,
      idleMinutes: app.config.sessionIdleMinutes,
      maxHours: app.config.sessionMaxHours,
    });
    return render(c, InfoPage({ ...props, page }));
  });

  area.get('/help/:topic', async (c) => {
    const topic = c.req.param('topic');
    const props = await helpProps(c);
    if (!isHelpTopic(topic)) return render(c, NotFoundPage(props), 404);
    return render(c, HelpTopicPage({ ...props, topic }));
  });
}

function isHelpTopic(value: string): value is HelpTopicKey {
  return (HELP_TOPICS as readonly string[]).includes(value);
}
