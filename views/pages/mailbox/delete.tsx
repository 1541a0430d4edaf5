import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';

/**
 * "Delete this message?": a page, not a script's confirm box, so it works without
 * JavaScript. Deleting hides the message from this person's inbox only.
 */
export function DeleteConfirmPage(
  props: MailboxPageProps & { deliveryId: string; subject: string },
) {
  const s = props.strings.mailbox.delete;
  const link = (href: string) => linkKeepingLang(props, href);
  const back = link(mailboxPaths.message(props.deliveryId));
  return (
    <Layout
      {...props}
      title={s.title}
      nav="inbox"
      beforeContent={<BackLink href={back} strings={props.strings} />}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body govuk-!-font-weight-bold govuk-!-text-break-word">
            {props.subject || props.strings.mailbox.inbox.noSubject}
          </p>
          <p class="govuk-body">{s.body}</p>
          <form method="post" action={link(mailboxPaths.delete(props.deliveryId))}>
            <CsrfField token={props.csrfToken} />
            <ButtonGroup>
              <Button variant="warning">{s.confirm}</Button>
              <a class="govuk-link" href={back}>
                {s.cancel}
              </a>
            </ButtonGroup>
          </form>
        </div>
      </div>
    </Layout>
  );
}
