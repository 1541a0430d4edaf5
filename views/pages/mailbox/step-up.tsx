import { BackLink } from '../../components/back-link.tsx';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';

/** Where the step-up's form posts: starts the second step for this message. */
export const stepUpPath = (deliveryId: string) =>
  `/inbox/${encodeURIComponent(deliveryId)}/step-up`;

/**
 * Shown instead of a message its sender marked "second factor required", in a session
 * that has not proved one. It says why, names the message by its subject (not its
 * content), and offers the one way on: setting up an app and coming back (`enrol`), or
 * using the one the person has (`confirm`, a form, so it works without script and
 * carries the CSRF token).
 */
export function StepUpPage(
  props: MailboxPageProps & {
    need: 'enrol' | 'confirm';
    deliveryId: string;
    subject: string;
    /** The message's own page, where the second step comes back to. */
    back: string;
    /** Where setting one up starts, with the way back to this message. */
    setUpHref: string;
  },
) {
  const s = props.strings.mailbox.stepUp;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <Layout
      {...props}
      title={s.title}
      nav="inbox"
      beforeContent={<BackLink href={link(mailboxPaths.inbox)} strings={props.strings} />}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.why}</p>
          <SummaryList rows={[{ key: s.subject, value: props.subject }]} />
          {props.need === 'enrol' ? (
            <>
              <p class="govuk-body">{s.enrol}</p>
              <Button href={link(props.setUpHref)}>{s.enrolButton}</Button>
            </>
          ) : (
            <form method="post" action={link(stepUpPath(props.deliveryId))}>
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name="next" value={props.back} />
              <p class="govuk-body">{s.confirm}</p>
              <Button>{s.confirmButton}</Button>
            </form>
          )}
          <p class="govuk-body">
            <a class="govuk-link" href={link(mailboxPaths.inbox)}>
              {s.backToInbox}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
