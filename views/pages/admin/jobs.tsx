import { JOB_RUN_INTERRUPTED, type JobRun } from '../../../core/lifecycle/model.ts';
import { Table } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import { AdminLayout, type AdminPageProps } from './shared.tsx';

const STATUS_COLOURS = { running: 'yellow', ok: 'green', failed: 'red' } as const;

/** Recent runs of the lifecycle jobs: when, how it went, and what each did by count. */
export function JobRunsTable(
  props: Pick<AdminPageProps, 'strings' | 'lang'> & { runs: JobRun[]; captionHidden?: boolean },
) {
  const s = props.strings.admin.jobs;
  return (
    <Table
      caption={s.caption}
      captionHidden={props.captionHidden ?? false}
      captionSize="m"
      head={[
        { text: s.columns.job },
        { text: s.columns.started },
        { text: s.columns.status },
        { text: s.columns.counts },
      ]}
      rows={props.runs.map((run) => {
        const counts = Object.entries(run.counts).filter(([, n]) => n > 0);
        return {
          cells: [
            { text: run.job },
            { text: formatDateTime(run.startedAt, props.lang) },
            {
              text: (
                <>
                  <Tag text={s.statuses[run.status]} colour={STATUS_COLOURS[run.status]} />
                  {run.error ? (
                    <p class="govuk-body-s govuk-!-margin-top-1">
                      {run.error === JOB_RUN_INTERRUPTED ? s.interrupted : run.error}
                    </p>
                  ) : null}
                </>
              ),
            },
            {
              text:
                counts.length === 0
                  ? run.status === 'running'
                    ? s.stillRunning
                    : s.nothing
                  : counts.map(([name, n]) => `${name}: ${n}`).join(', '),
            },
          ],
        };
      })}
    />
  );
}

/** The job runs page: the lifecycle jobs' recent history. */
export function JobsPage(props: AdminPageProps & { runs: JobRun[] }) {
  const s = props.strings.admin.jobs;
  return (
    <AdminLayout {...props} title={s.title} nav="jobs">
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {props.runs.length === 0 ? (
        <p class="govuk-body">{s.empty}</p>
      ) : (
        <JobRunsTable {...props} runs={props.runs} captionHidden />
      )}
    </AdminLayout>
  );
}
