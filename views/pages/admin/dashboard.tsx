import type { DashboardStats } from '../../../core/admin/dashboard.ts';
import { BarChart, LineChart } from '../../components/charts.tsx';
import { SummaryList } from '../../components/summary-list.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDate } from '../mailbox/shared.tsx';
import { JobRunsTable } from './jobs.tsx';
import {
  ADMIN_PATHS,
  AdminLayout,
  type AdminPageProps,
  canAdminister,
  formatDuration,
} from './shared.tsx';

/** GOV.UK blue and green: 3:1 or more against white, and told apart by the legend and table too. */
const SENT_COLOUR = '#1d70b8';
const OPENED_COLOUR = '#00703c';
const HOUR_MS = 3_600_000;

/**
 * The admin dashboard: copies sent and opened per week, the median time to first
 * open, and what needs attention now (locked accounts, waiting and failed email,
 * recent job runs). Auditors see the same figures, without the links to pages that
 * are only for administrators.
 */
export function DashboardPage(props: AdminPageProps & { stats: DashboardStats }) {
  const s = props.strings.admin.dashboard;
  const link = (href: string) => linkKeepingLang(props, href);
  const { stats } = props;
  const weeks = stats.weeks.length;
  const labels = stats.weeks.map((w) => formatDate(w.start, props.lang).replace(/ \d{4}$/, ''));
  const sent = stats.weeks.reduce((n, w) => n + w.sent, 0);
  const opened = stats.weeks.reduce((n, w) => n + w.opened, 0);
  const isAdmin = canAdminister(props.viewer);
  const overall = formatDuration(stats.medianOpenMs, props.strings);
  return (
    <AdminLayout {...props} title={s.title} nav="dashboard">
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>

      <h2 class="govuk-heading-m">{s.figuresHeading}</h2>
      <SummaryList
        rows={[
          {
            key: s.lockedAccounts,
            value: String(stats.lockedAccounts),
            actions: isAdmin ? [{ href: link(ADMIN_PATHS.accounts), text: s.seeAccounts }] : [],
          },
          { key: s.outboxDepth, value: String(stats.outboxDepth) },
          {
            key: s.failedMail,
            value: String(stats.failedMail),
            actions: isAdmin ? [{ href: link(ADMIN_PATHS.mail), text: s.seeFailed }] : [],
          },
          { key: s.medianOverall, value: `${overall}. ${s.medianHint(weeks)}` },
        ]}
      />

      <h2 class="govuk-heading-m">{s.activityHeading}</h2>
      <p class="govuk-body">{s.sentHint}</p>
      <BarChart
        id="chart-activity"
        title={s.activityTitle(weeks)}
        description={s.activityDesc(sent, opened, weeks)}
        labels={labels}
        labelHeading={s.week}
        tableSummary={s.showTable}
        series={[
          { name: s.sent, colour: SENT_COLOUR, values: stats.weeks.map((w) => w.sent) },
          { name: s.opened, colour: OPENED_COLOUR, values: stats.weeks.map((w) => w.opened) },
        ]}
      />

      <h2 class="govuk-heading-m">{s.openTimeHeading}</h2>
      <LineChart
        id="chart-open-time"
        title={s.openTimeTitle(weeks)}
        description={s.openTimeDesc(overall)}
        labels={labels}
        labelHeading={s.week}
        tableSummary={s.showTable}
        missing={s.noOpens}
        format={(hours) => (Number.isInteger(hours) ? String(hours) : hours.toFixed(1))}
        series={[
          {
            name: s.hours,
            colour: SENT_COLOUR,
            values: stats.weeks.map((w) =>
              w.medianOpenMs === null ? null : Math.round((w.medianOpenMs / HOUR_MS) * 10) / 10,
            ),
          },
        ]}
      />

      <h2 class="govuk-heading-m">{s.runsHeading}</h2>
      {stats.recentRuns.length === 0 ? (
        <p class="govuk-body">{s.noRuns}</p>
      ) : (
        <JobRunsTable {...props} runs={stats.recentRuns} captionHidden />
      )}
      {isAdmin ? (
        <p class="govuk-body">
          <a class="govuk-link" href={link(ADMIN_PATHS.jobs)}>
            {s.allRuns}
          </a>
        </p>
      ) : null}
    </AdminLayout>
  );
}
