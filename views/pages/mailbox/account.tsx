import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { passkeyPaths } from '../../components/passkeys.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { sharedMailboxPaths } from './mailboxes.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';
import { accountTwoFactorPaths } from './two-factor.tsx';

/**
 * The signed-in person's account: who they are signed in as, how to change the
 * password, two-step verification (theirs to choose), shared mailboxes (the ones they
 * work from, and who works from theirs), and "Sign out everywhere" (a POST that ends
 * every session of the account).
 */
export function AccountPage(
  props: MailboxPageProps & {
    /**
     * The person's second factors (an app, passkeys: either turns two-step verification
     * on); omitted when they are not theirs to choose (staff).
     */
    secondFactor?: { app: boolean; passkeys: number } | undefined;
  },
) {
  const s = props.strings.mailbox.account;
  const t = props.strings.mailbox.twoFactor;
  const m = props.strings.mailboxes.account;
  const link = (href: string) => linkKeepingLang(props, href);
  const f = props.secondFactor;
  const state = !f
    ? ''
    : f.app && f.passkeys > 0
      ? t.onBoth
      : f.app
        ? t.on
        : f.passkeys > 0
          ? t.onPasskey
          : t.off;
  return (
    <Layout {...props} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">
            {s.signedInAs} <strong class="govuk-!-text-break-word">{props.account.email}</strong>
          </p>
          <h2 class="govuk-heading-m">{s.passwordHeading}</h2>
          <p class="govuk-body">{s.passwordBody}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={link('/reset')}>
              {s.passwordLink}
            </a>
          </p>
          {f === undefined ? null : (
            <>
              <h2 class="govuk-heading-m">{t.title}</h2>
              <p class="govuk-body">{state}</p>
              <p class="govuk-body">
                <a class="govuk-link" href={link(accountTwoFactorPaths.page)}>
                  {f.app ? t.manageLink : f.passkeys > 0 ? t.addAppLink : t.setUpLink}
                </a>
              </p>
              <h2 class="govuk-heading-m">{props.strings.passkeys.title}</h2>
              <p class="govuk-body">{props.strings.passkeys.accountBody}</p>
              <p class="govuk-body">
                <a class="govuk-link" href={link(passkeyPaths.page)}>
                  {props.strings.passkeys.manageLink}
                </a>
              </p>
            </>
          )}
          <h2 class="govuk-heading-m">{m.heading}</h2>
          <p class="govuk-body">{m.body}</p>
          <ul class="govuk-list">
            <li>
              <a class="govuk-link" href={link(sharedMailboxPaths.list)}>
                {m.mailboxesLink}
              </a>
            </li>
            <li>
              <a class="govuk-link" href={link(sharedMailboxPaths.members)}>
                {props.strings.mailboxes.members.link}
              </a>
            </li>
          </ul>
          <h2 class="govuk-heading-m">{s.exportHeading}</h2>
          <p class="govuk-body">{s.exportBody}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={link('/account/export')} hx-boost="false">
              {s.exportLink}
            </a>
          </p>
          <h2 class="govuk-heading-m">{s.everywhereHeading}</h2>
          <p class="govuk-body">{s.everywhereBody}</p>
          <form method="post" action={link(mailboxPaths.signOutEverywhere)}>
            <CsrfField token={props.csrfToken} />
            <Button variant="warning">{s.everywhereButton}</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
