import { BackLink } from '../../components/back-link.tsx';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table } from '../../components/table.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import { formatDate, type MailboxPageProps, mailboxPaths } from './shared.tsx';

/** The paths of the shared-mailbox pages (the recipient area answers them). */
export const sharedMailboxPaths = {
  list: '/mailboxes',
  act: '/mailboxes/act',
  accept: '/mailboxes/accept',
  leave: '/mailboxes/leave',
  members: '/account/members',
  removeMember: '/account/members/remove',
};

/** What the list page confirms after a change (from `?done=`). */
export type MailboxesNotice = { kind: 'accepted' } | { kind: 'declined' } | { kind: 'left' } | null;

/** A mailbox as the list shows it. */
export type MailboxItem = { id: string; email: string };

/**
 * "Shared mailboxes": the person's own mailbox, every shared mailbox they work from,
 * each with "Work from this mailbox" (a POST), "Back to your own mailbox", "Leave", and
 * the invitations waiting for them with Accept and Decline. Every button is a form with
 * the CSRF token; a button's accessible name starts with its visible text and names the
 * mailbox (WCAG 2.5.3).
 */
export function MailboxesPage(
  props: MailboxPageProps & {
    own: string;
    /** The mailbox the session works from now, or null for the person's own. */
    actingForId: string | null;
    mailboxes: MailboxItem[];
    invitations: Array<MailboxItem & { invitedAt: Date }>;
    switchedOff: boolean;
    notice: MailboxesNotice;
  },
) {
  const s = props.strings.mailboxes.list;
  const link = (href: string) => linkKeepingLang(props, href);
  const hidden = (email: string) => <span class="govuk-visually-hidden">{` ${email}`}</span>;
  const button = (
    path: string,
    mailboxId: string,
    text: string,
    email: string | null,
    variant?: 'secondary' | 'warning',
  ) => (
    <form
      method="post"
      action={link(path)}
      class="govuk-!-display-inline-block govuk-!-margin-right-2"
    >
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="mailboxId" value={mailboxId} />
      <Button {...(variant ? { variant } : {})}>
        {text}
        {email ? hidden(email) : null}
      </Button>
    </form>
  );
  return (
    <Layout {...props} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {props.notice ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={
                props.notice.kind === 'accepted'
                  ? s.done.accepted
                  : props.notice.kind === 'declined'
                    ? s.done.declined
                    : s.done.left
              }
            />
          ) : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          {props.switchedOff ? (
            <p class="govuk-body">{s.switchedOff}</p>
          ) : (
            <>
              <p class="govuk-body">{s.intro}</p>
              {props.invitations.length > 0 ? (
                <>
                  <h2 class="govuk-heading-m">{s.invitationsHeading}</h2>
                  {props.invitations.map((invitation) => (
                    <div class="govuk-!-margin-bottom-6">
                      <p class="govuk-body govuk-!-text-break-word">
                        {s.invitation(
                          invitation.email,
                          formatDate(invitation.invitedAt, props.lang),
                        )}
                      </p>
                      {button(sharedMailboxPaths.accept, invitation.id, s.accept, invitation.email)}
                      {button(
                        sharedMailboxPaths.leave,
                        invitation.id,
                        s.decline,
                        invitation.email,
                        'secondary',
                      )}
                    </div>
                  ))}
                </>
              ) : null}
              <h2 class="govuk-heading-m">{s.own}</h2>
              <p class="govuk-body govuk-!-text-break-word">
                <strong>{props.own}</strong>
                {props.actingForId === null ? ` (${s.current})` : null}
              </p>
              {props.actingForId !== null
                ? button(sharedMailboxPaths.act, '', s.back, null, 'secondary')
                : null}
              <h2 class="govuk-heading-m">{s.shared}</h2>
              {props.mailboxes.length === 0 ? <p class="govuk-body">{s.none}</p> : null}
              {props.mailboxes.map((mailbox) => (
                <div class="govuk-!-margin-bottom-6">
                  <p class="govuk-body govuk-!-text-break-word">
                    <strong>{mailbox.email}</strong>
                    {props.actingForId === mailbox.id ? ` (${s.current})` : null}
                  </p>
                  {props.actingForId === mailbox.id
                    ? null
                    : button(sharedMailboxPaths.act, mailbox.id, s.act, mailbox.email)}
                  {button(sharedMailboxPaths.leave, mailbox.id, s.leave, mailbox.email, 'warning')}
                </div>
              ))}
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}

/** What the members page confirms after a change (from `?done=`). */
export type MembersNotice = { kind: 'invited' } | { kind: 'removed' } | null;

/**
 * The holder's page: who works from their address (invited or accepted, since when),
 * with Remove for each, and a form to invite someone by address. A problem comes back
 * with the address as typed, an error summary and the message beside the field. With
 * the council's switch off, it says so and offers nothing.
 */
export function MembersPage(
  props: MailboxPageProps & {
    switchedOff: boolean;
    members: Array<{ id: string; email: string; accepted: boolean; since: Date }>;
    /** The address as typed (kept when the invitation had a problem). */
    email: string;
    error: string | null;
    notice: MembersNotice;
  },
) {
  const s = props.strings.mailboxes.members;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <Layout
      {...props}
      title={s.title}
      hasErrors={props.error !== null}
      beforeContent={
        <BackLink
          strings={props.strings}
          href={link(mailboxPaths.account)}
          text={props.strings.mailbox.account.title}
        />
      }
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {props.error ? (
            <ErrorSummary strings={props.strings} errors={{ email: props.error }} />
          ) : null}
          {props.notice ? (
            <NotificationBanner
              type="success"
              strings={props.strings}
              heading={props.notice.kind === 'invited' ? s.done.invited : s.done.removed}
            />
          ) : null}
          <h1 class="govuk-heading-l">{s.title}</h1>
          {props.switchedOff ? (
            <p class="govuk-body">{s.switchedOff}</p>
          ) : (
            <>
              <p class="govuk-body govuk-!-text-break-word">{s.intro(props.account.email)}</p>
              {props.members.length === 0 ? (
                <p class="govuk-body">{s.none}</p>
              ) : (
                <Table
                  caption={s.title}
                  captionHidden
                  head={[
                    { text: s.columns.email },
                    { text: s.columns.status },
                    { text: s.columns.since },
                    { text: s.columns.action },
                  ]}
                  rows={props.members.map((member) => ({
                    cells: [
                      { text: <span class="govuk-!-text-break-word">{member.email}</span> },
                      { text: member.accepted ? s.accepted : s.invited },
                      { text: formatDate(member.since, props.lang) },
                      {
                        text: (
                          <form method="post" action={link(sharedMailboxPaths.removeMember)}>
                            <CsrfField token={props.csrfToken} />
                            <input type="hidden" name="memberId" value={member.id} />
                            <Button variant="warning" class="govuk-!-margin-bottom-0">
                              {s.remove}
                              <span class="govuk-visually-hidden">{` ${member.email}`}</span>
                            </Button>
                          </form>
                        ),
                      },
                    ],
                  }))}
                />
              )}
              <h2 class="govuk-heading-m">{s.inviteHeading}</h2>
              <form method="post" action={link(sharedMailboxPaths.members)} novalidate>
                <CsrfField token={props.csrfToken} />
                <TextInput
                  name="email"
                  type="email"
                  label={s.email}
                  hint={s.emailHint}
                  value={props.email}
                  error={props.error ?? undefined}
                  autocomplete="off"
                  spellcheck={false}
                  width="30"
                  strings={props.strings}
                />
                <Button>{s.invite}</Button>
              </form>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}
