import { BackLink } from '../../components/back-link.tsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary, errorItems } from '../../components/error-summary.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { type MailboxPageProps, mailboxPaths } from './shared.tsx';

/**
 * The forward form. It says where a message may go before anyone types: addresses at
 * the council's domains get their own copy; any other is refused, or (with
 * FORWARD_OUTSIDE=request) becomes a request the sender decides. A refused address
 * comes back with status 400, the reason and everything typed.
 */
export function ForwardPage(
  props: MailboxPageProps & {
    deliveryId: string;
    subject: string;
    /** The council's domains, for the sentence saying where forwarding is allowed. */
    internalDomains: string[];
    forwardOutside: 'refuse' | 'request';
    to: string;
    errors?: Record<string, string>;
  },
) {
  const s = props.strings.mailbox.forward;
  const link = (href: string) => linkKeepingLang(props, href);
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const back = link(mailboxPaths.message(props.deliveryId));
  return (
    <Layout
      {...props}
      title={s.title}
      nav="inbox"
      hasErrors={hasErrors}
      beforeContent={<BackLink href={back} strings={props.strings} />}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {hasErrors ? <ErrorSummary strings={props.strings} errors={errorItems(errors)} /> : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body govuk-!-font-weight-bold govuk-!-text-break-word">{props.subject}</p>
          <p class="govuk-body">
            {props.internalDomains.length > 0
              ? s.allowed(props.internalDomains.join(', '))
              : s.allowedNone}{' '}
            {props.forwardOutside === 'request' ? s.outsideRequest : s.outsideRefused}
          </p>
          <p class="govuk-body">{s.privacy}</p>
          <form method="post" action={link(mailboxPaths.forward(props.deliveryId))} novalidate>
            <CsrfField token={props.csrfToken} />
            <TextInput
              strings={props.strings}
              name="to"
              label={s.to}
              inputmode="email"
              labelSize="s"
              hint={s.toHint}
              value={props.to}
              autocomplete="email"
              spellcheck={false}
              width="full"
              error={errors.to}
            />
            <ButtonGroup>
              <Button>{s.send}</Button>
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
