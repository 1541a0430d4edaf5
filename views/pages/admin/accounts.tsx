import type { Child } from 'hono/jsx';
import { Button, ButtonGroup } from '../../components/button.tsx';
import { Checkboxes } from '../../components/checkboxes.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Pagination } from '../../components/pagination.tsx';
import { Radios } from '../../components/radios.tsx';
import { Select } from '../../components/select.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { Table } from '../../components/table.tsx';
import { Tag, type TagColour } from '../../components/tag.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { WarningText } from '../../components/warning-text.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDate, formatDateTime } from '../mailbox/shared.tsx';
import { ADMIN_PATHS, AdminLayout, type AdminPageProps, accountPath, whenOr } from './shared.tsx';

/** An account as the admin pages show it. */
export type AccountView = {
  id: string;
  email: string;
  displayName: string;
  kind: 'staff' | 'external';
  role: 'recipient' | 'sender' | 'admin' | 'auditor';
  status: 'active' | 'disabled';
  /** When the current lock ends; null when not locked now. */
  lockedUntil: Date | null;
  registered: boolean;
  /** A team mailbox: nobody signs in to it, so it has no password actions. */
  teamMailbox: boolean;
  /** An authenticator app is set up. */
  twoFactor: boolean;
  /** How many passkeys are registered (a passkey is a second factor too). */
  passkeys: number;
  legalHold: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
  passwordChangedAt: Date | null;
};

/** The search as typed (kept in the form and the paging links). */
export type AccountSearch = { q: string; kind: string; role: string };

type Status = 'active' | 'disabled' | 'locked' | 'unregistered' | 'team';
const STATUS_COLOURS: Record<Status, TagColour | null> = {
  active: 'green',
  disabled: 'grey',
  locked: 'red',
  unregistered: null,
  team: null,
};

/** What one status tag says: disabled first, then locked, then no password. */
function statusOf(account: AccountView): Status {
  if (account.status === 'disabled') return 'disabled';
  if (account.lockedUntil) return 'locked';
  if (account.teamMailbox) return 'team';
  if (!account.registered) return 'unregistered';
  return 'active';
}

function StatusTag(props: { account: AccountView; strings: AdminPageProps['strings'] }) {
  const status = statusOf(props.account);
  const colour = STATUS_COLOURS[status];
  const text = props.strings.admin.accounts.statuses[status];
  return colour ? <Tag text={text} colour={colour} /> : <Tag text={text} />;
}

/** The query string of a search, for links that keep it. */
export function searchQuery(search: AccountSearch, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...search, ...extra })) {
    if (value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Finding accounts by address, type and role; a link to add a staff member. */
export function AccountsPage(
  props: AdminPageProps & {
    search: AccountSearch;
    rows: AccountView[];
    page: number;
    hasMore: boolean;
    notice?: string | null;
  },
) {
  const s = props.strings.admin.accounts;
  const roles = props.strings.admin.roles;
  const link = (href: string) => linkKeepingLang(props, href);
  const pageHref = (n: number) =>
    link(`${ADMIN_PATHS.accounts}${searchQuery(props.search, { page: String(n) })}`);
  return (
    <AdminLayout {...props} title={s.title} nav="accounts">
      {props.notice ? (
        <NotificationBanner type="success" strings={props.strings} heading={props.notice} />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <p class="govuk-body">
        <Button href={link(ADMIN_PATHS.newAccount)} variant="secondary">
          {s.add}
        </Button>
      </p>
      <form method="get" action={link(ADMIN_PATHS.accounts)}>
        <h2 class="govuk-heading-m">{s.searchHeading}</h2>
        <TextInput
          name="q"
          label={s.query}
          value={props.search.q}
          type="search"
          spellcheck={false}
          width="20"
          strings={props.strings}
        />
        <Select
          name="kind"
          label={s.kind}
          value={props.search.kind}
          items={[
            { value: '', text: s.any },
            { value: 'staff', text: s.kinds.staff },
            { value: 'external', text: s.kinds.external },
          ]}
          strings={props.strings}
        />
        <Select
          name="role"
          label={s.role}
          value={props.search.role}
          items={[
            { value: '', text: s.any },
            { value: 'sender', text: roles.sender },
            { value: 'admin', text: roles.admin },
            { value: 'auditor', text: roles.auditor },
            { value: 'recipient', text: roles.recipient },
          ]}
          strings={props.strings}
        />
        <Button variant="secondary">{s.search}</Button>
      </form>
      {props.rows.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <Table
          caption={s.caption}
          captionHidden
          head={[
            { text: s.columns.email },
            { text: s.columns.name },
            { text: s.columns.role },
            { text: s.columns.status },
            { text: s.columns.secondFactor },
            { text: s.columns.created },
          ]}
          rows={props.rows.map((a) => ({
            cells: [
              {
                text: (
                  <a class="govuk-link govuk-!-text-break-word" href={link(accountPath(a.id))}>
                    {a.email}
                  </a>
                ),
              },
              { text: a.displayName, class: 'govuk-!-text-break-word' },
              { text: a.teamMailbox ? s.kinds.team : roles[a.role] },
              { text: <StatusTag account={a} strings={props.strings} /> },
              { text: a.teamMailbox ? '' : secondFactorText(a, props.strings) },
              { text: formatDate(a.createdAt, props.lang) },
            ],
          }))}
        />
      )}
      <Pagination
        strings={props.strings}
        previous={props.page > 1 ? pageHref(props.page - 1) : undefined}
        next={props.hasMore ? pageHref(props.page + 1) : undefined}
      />
    </AdminLayout>
  );
}

/**
 * Which second factors an account has, in words: "Authenticator app, 2 passkeys", or
 * "None". Admins see at a glance who the "all staff" setting will stop.
 */
function secondFactorText(
  a: Pick<AccountView, 'twoFactor' | 'passkeys'>,
  strings: AdminPageProps['strings'],
): string {
  const s = strings.admin.account;
  const parts = [
    ...(a.twoFactor ? [s.app] : []),
    ...(a.passkeys > 0 ? [s.passkeys(a.passkeys)] : []),
  ];
  return parts.length === 0 ? s.noSecondFactor : parts.join(', ');
}

/** Why an account could not be deleted, when that is known before anyone asks. */
export type DeleteBlock = 'has-messages' | 'legal-hold' | 'own-account' | 'not-found';

/** One account: its facts, and the actions that fit its state. */
export function AccountPage(
  props: AdminPageProps & {
    account: AccountView;
    isSelf: boolean;
    deleteBlock: DeleteBlock | null;
    notice?: string | null;
    problem?: string | null;
  },
) {
  const s = props.strings.admin.account;
  const a = props.account;
  const link = (href: string) => linkKeepingLang(props, href);
  const action = (name: string, label: string, hint: string | null, variant?: 'warning') => (
    <form method="post" action={link(accountPath(a.id, name))}>
      <CsrfField token={props.csrfToken} />
      {hint ? <p class="govuk-body">{hint}</p> : null}
      <Button variant={variant ?? 'secondary'}>{label}</Button>
    </form>
  );
  const actions: Child[] = [];
  if (a.lockedUntil) actions.push(action('unlock', s.unlock, s.unlockHint));
  // A team mailbox never has a password (docs/decisions/0028): no reset link to offer.
  if (a.status === 'active' && !a.teamMailbox) actions.push(action('reset', s.reset, s.resetHint));
  if (a.status === 'disabled') actions.push(action('enable', s.enable, null));
  else if (!props.isSelf) actions.push(action('disable', s.disable, s.disableHint));
  // The tick box is the check that the request is genuine; an unticked one links here.
  const confirmError = props.problem === s.problems['not-confirmed'] ? props.problem : undefined;
  const hasFactor = !a.teamMailbox && (a.twoFactor || a.passkeys > 0);
  if (hasFactor && props.isSelf) actions.push(<InsetText>{s.ownSecondFactor}</InsetText>);
  else if (hasFactor) {
    actions.push(
      <form method="post" action={link(accountPath(a.id, 'reset-second-factor'))} novalidate>
        <CsrfField token={props.csrfToken} />
        <p class="govuk-body">{s.resetSecondFactorHint}</p>
        <Checkboxes
          name="confirm"
          strings={props.strings}
          error={confirmError}
          small
          items={[{ value: 'yes', text: s.resetSecondFactorConfirm }]}
        />
        <Button variant="warning">{s.resetSecondFactor}</Button>
      </form>,
    );
  }
  return (
    <AdminLayout
      {...props}
      title={a.email}
      nav="accounts"
      hasErrors={Boolean(props.problem)}
      before={
        <a href={link(ADMIN_PATHS.accounts)} class="govuk-back-link">
          {s.back}
        </a>
      }
    >
      {props.problem ? (
        <ErrorSummary
          strings={props.strings}
          errors={confirmError ? { confirm: confirmError } : { _: props.problem }}
        />
      ) : null}
      {props.notice ? (
        <NotificationBanner type="success" strings={props.strings} heading={props.notice} />
      ) : null}
      <h1 class="govuk-heading-l govuk-!-text-break-word">{a.email}</h1>
      <SummaryList
        rows={[
          { key: s.name, value: a.displayName },
          {
            key: s.kind,
            value: props.strings.admin.accounts.kinds[a.teamMailbox ? 'team' : a.kind],
          },
          ...(a.teamMailbox ? [] : [{ key: s.role, value: props.strings.admin.roles[a.role] }]),
          {
            key: s.status,
            value: (
              <>
                <StatusTag account={a} strings={props.strings} />
                {a.lockedUntil ? (
                  <p class="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">
                    {s.lockedUntil(formatDateTime(a.lockedUntil, props.lang))}
                  </p>
                ) : null}
              </>
            ),
          },
          { key: s.created, value: formatDateTime(a.createdAt, props.lang) },
          ...(a.teamMailbox
            ? []
            : [
                { key: s.lastSignIn, value: whenOr(a.lastSignInAt, props.lang, s.never) },
                {
                  key: s.passwordChanged,
                  value: whenOr(a.passwordChangedAt, props.lang, s.never),
                },
                { key: s.twoFactor, value: secondFactorText(a, props.strings) },
              ]),
          { key: s.legalHold, value: a.legalHold ? s.yes : s.no },
        ]}
      />
      <p class="govuk-body">
        <a
          class="govuk-link"
          href={link(`${ADMIN_PATHS.audit}?${new URLSearchParams({ actor: a.id })}`)}
        >
          {s.auditLink}
        </a>
      </p>
      <h2 class="govuk-heading-m">{s.actionsHeading}</h2>
      {props.isSelf ? <InsetText>{s.ownAccount}</InsetText> : null}
      {a.teamMailbox ? (
        <InsetText>
          <p class="govuk-body">{s.teamMailbox}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={link(ADMIN_PATHS.teams)}>
              {s.teamsLink}
            </a>
          </p>
        </InsetText>
      ) : null}
      {actions}
      {props.deleteBlock ? (
        props.isSelf ? null : (
          <InsetText>{s.notDeletable[props.deleteBlock]}</InsetText>
        )
      ) : (
        <p class="govuk-body">
          <Button href={link(accountPath(a.id, 'delete'))} variant="warning">
            {s.delete}
          </Button>
        </p>
      )}
    </AdminLayout>
  );
}

/** "Are you sure?" before deleting an account. */
export function DeleteAccountPage(props: AdminPageProps & { account: AccountView }) {
  const s = props.strings.admin.deleteAccount;
  const a = props.account;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <AdminLayout
      {...props}
      title={s.title(a.email)}
      nav="accounts"
      before={
        <a href={link(accountPath(a.id))} class="govuk-back-link">
          {props.strings.admin.account.back}
        </a>
      }
    >
      <h1 class="govuk-heading-l govuk-!-text-break-word">{s.title(a.email)}</h1>
      <WarningText strings={props.strings}>{s.warning}</WarningText>
      <form method="post" action={link(accountPath(a.id, 'delete'))}>
        <CsrfField token={props.csrfToken} />
        <ButtonGroup>
          <Button variant="warning">{s.confirm}</Button>
          <a class="govuk-link" href={link(accountPath(a.id))}>
            {s.cancel}
          </a>
        </ButtonGroup>
      </form>
    </AdminLayout>
  );
}

/** The add-a-staff-member form as typed. */
export type NewStaffForm = { name: string; email: string; role: string };

/** Adding a staff member: name, work address and role; the link goes to them by email. */
export function NewStaffPage(
  props: AdminPageProps & { values: NewStaffForm; errors?: Record<string, string> },
) {
  const s = props.strings.admin.newStaff;
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const link = (href: string) => linkKeepingLang(props, href);
  return (
    <AdminLayout
      {...props}
      title={s.title}
      nav="accounts"
      hasErrors={hasErrors}
      before={
        <a href={link(ADMIN_PATHS.accounts)} class="govuk-back-link">
          {props.strings.admin.account.back}
        </a>
      }
    >
      {hasErrors ? <ErrorSummary strings={props.strings} errors={errors} /> : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <form method="post" action={link(ADMIN_PATHS.accounts)} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextInput
          name="name"
          label={s.name}
          value={props.values.name}
          error={errors.name}
          autocomplete="off"
          spellcheck={false}
          width="20"
          strings={props.strings}
        />
        <TextInput
          name="email"
          label={s.email}
          value={props.values.email}
          error={errors.email}
          type="email"
          autocomplete="off"
          spellcheck={false}
          width="30"
          strings={props.strings}
        />
        <Radios
          name="role"
          legend={s.role}
          legendSize="s"
          value={props.values.role}
          error={errors.role}
          items={[
            { value: 'sender', text: s.roles.sender },
            { value: 'admin', text: s.roles.admin },
            { value: 'auditor', text: s.roles.auditor },
          ]}
          strings={props.strings}
        />
        <Button>{s.button}</Button>
      </form>
    </AdminLayout>
  );
}
