import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { ErrorSummary } from '../../components/error-summary.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import {
  ADMIN_PATHS,
  AdminLayout,
  type AdminPageProps,
  accountPath,
  teamMembersPath,
} from './shared.tsx';

/** A team mailbox as the admin page shows it. */
export type TeamView = {
  id: string;
  email: string;
  name: string;
  members: Array<{ id: string; email: string; name: string }>;
};

/** The create form as typed (kept when it comes back with problems). */
export type NewTeamForm = { email: string; name: string };

/** An add-a-member form that came back with a problem: which team, what was typed. */
export type AssignError = { teamId: string; value: string; message: string };

/** The id of a team's add-a-member field (the error summary links to it). */
export const assignFieldId = (teamId: string) => `member-${teamId}`;

/**
 * The team mailboxes: each with who works from it, a "Take off" button per member and a
 * field to add a staff member by address; then the form to create one. Every change is
 * a plain form POST with the CSRF token.
 */
export function TeamsPage(
  props: AdminPageProps & {
    teams: TeamView[];
    values: NewTeamForm;
    errors?: Record<string, string>;
    assignError?: AssignError | null;
    notice?: string | null;
  },
) {
  const s = props.strings.admin.teams;
  const link = (href: string) => linkKeepingLang(props, href);
  const errors = props.errors ?? {};
  const summary: Record<string, string> = { ...errors };
  if (props.assignError)
    summary[assignFieldId(props.assignError.teamId)] = props.assignError.message;
  const hasErrors = Object.keys(summary).length > 0;
  return (
    <AdminLayout {...props} title={s.title} nav="teams" hasErrors={hasErrors}>
      {hasErrors ? <ErrorSummary strings={props.strings} errors={summary} /> : null}
      {props.notice ? (
        <NotificationBanner type="success" strings={props.strings} heading={props.notice} />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {props.teams.length === 0 ? <p class="govuk-body">{s.empty}</p> : null}
      {props.teams.map((team) => {
        const error = props.assignError?.teamId === team.id ? props.assignError : null;
        return (
          <section class="govuk-!-margin-bottom-8" aria-labelledby={`team-${team.id}`}>
            <h2 class="govuk-heading-m govuk-!-text-break-word" id={`team-${team.id}`}>
              <a class="govuk-link" href={link(accountPath(team.id))}>
                {team.email}
              </a>
              <span class="govuk-caption-m">{team.name}</span>
            </h2>
            <h3 class="govuk-heading-s">{s.members}</h3>
            {team.members.length === 0 ? (
              <p class="govuk-body">{s.noMembers}</p>
            ) : (
              <ul class="govuk-list">
                {team.members.map((member) => (
                  <li class="sp-team-member">
                    <form method="post" action={link(teamMembersPath(team.id, member.id))}>
                      <CsrfField token={props.csrfToken} />
                      <span class="govuk-!-text-break-word">
                        {member.name} ({member.email})
                      </span>{' '}
                      <button type="submit" class="sp-link-button govuk-link">
                        {s.remove}
                        <span class="govuk-visually-hidden"> {member.name}</span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            )}
            <form method="post" action={link(teamMembersPath(team.id))} novalidate>
              <CsrfField token={props.csrfToken} />
              <TextInput
                name="email"
                id={assignFieldId(team.id)}
                label={s.assignLabelNamed(team.email)}
                labelSize="s"
                type="email"
                autocomplete="off"
                spellcheck={false}
                width="20"
                value={error?.value ?? ''}
                error={error?.message}
                strings={props.strings}
              />
              <Button variant="secondary">{s.assign}</Button>
            </form>
          </section>
        );
      })}
      <h2 class="govuk-heading-m">{s.createHeading}</h2>
      <form method="post" action={link(ADMIN_PATHS.teams)} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextInput
          name="email"
          label={s.email}
          hint={s.emailHint}
          type="email"
          autocomplete="off"
          spellcheck={false}
          width="20"
          value={props.values.email}
          error={errors.email}
          strings={props.strings}
        />
        <TextInput
          name="name"
          label={s.name}
          hint={s.nameHint}
          width="20"
          value={props.values.name}
          error={errors.name}
          strings={props.strings}
        />
        <Button>{s.create}</Button>
      </form>
    </AdminLayout>
  );
}
