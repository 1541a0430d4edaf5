import type { Child } from 'hono/jsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { classes } from '../../components/field.tsx';
import { Layout, type LayoutProps, linkKeepingLang } from '../../layout.tsx';

/** The sections of the staff menu; a page names the one it belongs to. */
export type StaffNavKey =
  | 'inbox'
  | 'compose'
  | 'drafts'
  | 'sent'
  | 'requests'
  | 'twoFactor'
  | 'mailboxes'
  | 'admin';

/** Where the staff menu's links go; the staff area answers every one. */
export const STAFF_PATHS = {
  home: '/staff',
  inbox: '/staff/inbox',
  compose: '/staff/compose',
  send: '/staff/compose/send',
  drafts: '/staff/drafts',
  signedOut: '/staff/signed-out',
  sent: '/staff/sent',
  requests: '/staff/requests',
  twoFactor: '/staff/two-factor',
  mailboxes: '/staff/mailboxes',
  actAs: '/staff/mailboxes/act',
  admin: '/admin',
  signIn2fa: '/sign-in/two-factor',
  signOut: '/sign-out',
} as const;

/** The page of one sent message's tracking. */
export const trackingPath = (messageId: string) => `/staff/sent/${encodeURIComponent(messageId)}`;
/** A staff draft, opened in the compose form. */
export const staffDraftPath = (draftId: string) => `/staff/drafts/${encodeURIComponent(draftId)}`;
/** One file of a sent message, for its sender to download. */
export const sentFilePath = (messageId: string, attachmentId: string) =>
  `${trackingPath(messageId)}/attachments/${encodeURIComponent(attachmentId)}`;
/** The page of one message in the staff inbox. */
export const staffMessagePath = (deliveryId: string) =>
  `/staff/inbox/${encodeURIComponent(deliveryId)}`;
/** The page of one access request. */
export const requestPath = (requestId: string) =>
  `/staff/requests/${encodeURIComponent(requestId)}`;

/** The signed-in staff member as the pages see them. */
export type StaffViewer = {
  displayName: string;
  email: string;
  role: 'sender' | 'admin' | 'auditor';
};

/** What every signed-in staff page gives the layout, plus who is signed in. */
export type StaffPageProps = Omit<
  LayoutProps,
  'title' | 'children' | 'nav' | 'hasErrors' | 'account' | 'csrfToken' | 'beforeContent'
> & {
  viewer: StaffViewer;
  /** The token every form on the page posts (see adapters/http/middleware/csrf.ts). */
  csrfToken: string;
  /** Admins who have not set up two-step verification see no menu: they can only do that. */
  menu?: boolean;
  /** The team mailbox the viewer is working in, named in every page's header, or null. */
  workingIn?: { email: string; name: string } | null;
  /** True when the viewer is on any team mailbox: the menu offers "Team mailboxes". */
  hasTeams?: boolean;
};

/** True when the viewer may send and change things (auditors only read). */
export function canAct(viewer: StaffViewer): boolean {
  return viewer.role !== 'auditor';
}

/**
 * The layout of every staff page: the portal's layout without the recipients' menu,
 * and the staff menu (with Sign out) above the content instead. The recipients' menu
 * would lead staff to the recipients' pages, which are not theirs.
 */
export function StaffLayout(
  props: StaffPageProps & {
    title: string;
    nav?: StaffNavKey;
    hasErrors?: boolean;
    before?: Child;
    children?: Child;
  },
) {
  const { nav, before, menu, viewer, ...layout } = props;
  return (
    <Layout
      {...layout}
      account={null}
      signedIn
      title={props.title}
      hasErrors={props.hasErrors ?? false}
      beforeContent={
        <>
          {menu === false ? <SignOutOnly {...props} /> : <StaffNav {...props} />}
          {menu === false ? null : <WorkingIn {...props} />}
          {before}
        </>
      }
    >
      {props.children}
    </Layout>
  );
}

function StaffNav(props: StaffPageProps & { nav?: StaffNavKey | undefined }) {
  const s = props.strings.staff.nav;
  const keys: StaffNavKey[] = canAct(props.viewer)
    ? ['inbox', 'compose', 'drafts', 'sent', 'requests', 'twoFactor']
    : ['inbox', 'sent', 'twoFactor'];
  if (props.hasTeams && canAct(props.viewer)) keys.push('mailboxes');
  // Admins run the service; auditors read its dashboard and audit log there.
  if (props.viewer.role === 'admin' || props.viewer.role === 'auditor') keys.push('admin');
  return (
    <nav aria-label={s.label} class="govuk-service-navigation">
      <div class="govuk-service-navigation__container">
        <ul class="govuk-service-navigation__list">
          {keys.map((key) => {
            const current = props.nav === key;
            return (
              <li
                class={classes(
                  'govuk-service-navigation__item',
                  current && 'govuk-service-navigation__item--active',
                )}
              >
                <a
                  class="govuk-service-navigation__link"
                  href={linkKeepingLang(props, STAFF_PATHS[key])}
                  aria-current={current ? 'page' : undefined}
                >
                  {current ? (
                    <strong class="govuk-service-navigation__active-fallback">{s[key]}</strong>
                  ) : (
                    s[key]
                  )}
                </a>
              </li>
            );
          })}
          <li class="govuk-service-navigation__item">
            <SignOutForm {...props} />
          </li>
        </ul>
      </div>
    </nav>
  );
}

/**
 * "You are working in housing@council", on every page while the viewer works in a team
 * mailbox, with the way to switch: what they send goes out from the team.
 */
function WorkingIn(props: StaffPageProps) {
  if (!props.workingIn) return null;
  const s = props.strings.staff.mailboxes;
  return (
    <p class="govuk-body govuk-!-margin-top-3 govuk-!-margin-bottom-0" data-testid="working-in">
      <strong class="govuk-!-font-weight-bold">{s.workingIn(props.workingIn.email)}</strong>{' '}
      <a class="govuk-link" href={linkKeepingLang(props, STAFF_PATHS.mailboxes)}>
        {s.switchLink}
      </a>
    </p>
  );
}

function SignOutOnly(props: StaffPageProps) {
  return (
    <nav aria-label={props.strings.staff.nav.label} class="govuk-service-navigation">
      <div class="govuk-service-navigation__container">
        <ul class="govuk-service-navigation__list">
          <li class="govuk-service-navigation__item">
            <SignOutForm {...props} />
          </li>
        </ul>
      </div>
    </nav>
  );
}

function SignOutForm(props: StaffPageProps) {
  // A POST with the CSRF token: a link could be followed by a prefetcher or forged.
  return (
    <form method="post" action={linkKeepingLang(props, STAFF_PATHS.signOut)} class="sp-nav__form">
      <CsrfField token={props.csrfToken} />
      <button type="submit" class="sp-link-button govuk-service-navigation__link">
        {props.strings.staff.nav.signOut}
      </button>
    </form>
  );
}

/** A date as the three GOV.UK date fields hold it, typed text kept on error. */
export type DateParts = { day: string; month: string; year: string };

/**
 * The GOV.UK date input: day, month and year fields in a fieldset. `name` prefixes the
 * field names (`name-day`, ...); the first field's id is `name` so an error summary
 * link lands on it.
 */
export function DateInput(props: {
  name: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  value: DateParts;
  strings: StaffPageProps['strings'];
}) {
  const s = props.strings.staff.compose;
  const hintId = `${props.name}-hint`;
  const errorId = `${props.name}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : '']
    .filter(Boolean)
    .join(' ');
  const field = (part: keyof DateParts, label: string, width: string) => {
    const id = part === 'day' ? props.name : `${props.name}-${part}`;
    return (
      // GOV.UK's date-input styles are not in the portal's stylesheet; utility classes
      // put the three fields side by side the same way.
      <div class="govuk-date-input__item govuk-!-display-inline-block govuk-!-margin-right-4">
        <div class="govuk-form-group govuk-!-margin-bottom-0">
          <label class="govuk-label govuk-date-input__label" for={id}>
            {label}
          </label>
          <input
            class={classes(
              'govuk-input govuk-date-input__input',
              `govuk-input--width-${width}`,
              props.error && 'govuk-input--error',
            )}
            id={id}
            name={`${props.name}-${part}`}
            type="text"
            inputmode="numeric"
            value={props.value[part]}
          />
        </div>
      </div>
    );
  };
  return (
    <div class={classes('govuk-form-group', props.error && 'govuk-form-group--error')}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy || undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{props.legend}</legend>
        {props.hint ? (
          <div id={hintId} class="govuk-hint">
            {props.hint}
          </div>
        ) : null}
        {props.error ? (
          <p id={errorId} class="govuk-error-message">
            <span class="govuk-visually-hidden">{props.strings.components.errorPrefix}</span>{' '}
            {props.error}
          </p>
        ) : null}
        <div class="govuk-date-input">
          {field('day', s.day, '2')}
          {field('month', s.month, '2')}
          {field('year', s.year, '4')}
        </div>
      </fieldset>
    </div>
  );
}
