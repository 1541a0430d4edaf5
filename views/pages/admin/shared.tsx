import type { Child } from 'hono/jsx';
import { classes } from '../../components/field.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import type { Lang, Strings } from '../../strings/index.ts';
import { formatDateTime } from '../mailbox/shared.tsx';
import { StaffLayout, type StaffPageProps, type StaffViewer } from '../staff/shared.tsx';

/** The sections of the admin menu; a page names the one it belongs to. */
export type AdminNavKey =
  | 'dashboard'
  | 'settings'
  | 'accounts'
  | 'teams'
  | 'mail'
  | 'keys'
  | 'audit'
  | 'jobs';

/** Where the admin pages are; the admin area answers every one. */
export const ADMIN_PATHS = {
  dashboard: '/admin',
  settings: '/admin/settings',
  accounts: '/admin/accounts',
  newAccount: '/admin/accounts/new',
  teams: '/admin/teams',
  mail: '/admin/mail',
  keys: '/admin/keys',
  rotateKey: '/admin/keys/rotate',
  audit: '/admin/audit',
  auditCsv: '/admin/audit.csv',
  jobs: '/admin/jobs',
} as const;

/** The page of one account, and its actions (`/unlock`, `/disable`, ...). */
export const accountPath = (id: string, action?: string) =>
  `/admin/accounts/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
/** A team mailbox's members (POST assigns one), or one member's removal. */
export const teamMembersPath = (teamId: string, memberId?: string) =>
  `/admin/teams/${encodeURIComponent(teamId)}/members${memberId ? `/${encodeURIComponent(memberId)}/remove` : ''}`;
/** The retry action of one failed mail. */
export const retryMailPath = (id: string) => `/admin/mail/${encodeURIComponent(id)}/retry`;

/** Admin pages take what every staff page takes. */
export type AdminPageProps = StaffPageProps;

/** True for the viewer who may change things here: administrators, not auditors. */
export function canAdminister(viewer: StaffViewer): boolean {
  return viewer.role === 'admin';
}

/** The sections a viewer sees: all for administrators, two for auditors. */
export function adminNavFor(viewer: StaffViewer): AdminNavKey[] {
  return canAdminister(viewer)
    ? ['dashboard', 'settings', 'accounts', 'teams', 'mail', 'keys', 'audit', 'jobs']
    : ['dashboard', 'audit'];
}

/**
 * The layout of every admin page: the staff layout with the admin menu under the
 * staff menu. Auditors see only the sections they may read.
 */
export function AdminLayout(
  props: AdminPageProps & {
    title: string;
    nav?: AdminNavKey;
    hasErrors?: boolean;
    before?: Child;
    children?: Child;
  },
) {
  const { nav, before, ...staff } = props;
  return (
    <StaffLayout
      {...staff}
      before={
        <>
          <AdminNav {...props} nav={nav} />
          {before}
        </>
      }
    >
      {props.children}
    </StaffLayout>
  );
}

function AdminNav(props: AdminPageProps & { nav?: AdminNavKey | undefined }) {
  const s = props.strings.admin.nav;
  return (
    <nav aria-label={s.label} class="govuk-service-navigation sp-nav sp-admin-nav">
      <div class="govuk-service-navigation__container">
        <ul class="govuk-service-navigation__list">
          {adminNavFor(props.viewer).map((key) => {
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
                  href={linkKeepingLang(props, ADMIN_PATHS[key])}
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
        </ul>
      </div>
    </nav>
  );
}

/** "2 hours", "3 days", "45 minutes": a duration rounded to the unit that reads best. */
export function formatDuration(ms: number | null, strings: Strings): string {
  const s = strings.admin.durations;
  if (ms === null) return s.none;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return s.minutes(minutes);
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return s.hours(hours);
  return s.days(Math.round(ms / 86_400_000));
}

/** A date and time, or the text for "never". */
export function whenOr(date: Date | null, lang: Lang, otherwise: string): string {
  return date ? formatDateTime(date, lang) : otherwise;
}
