import { CsrfField } from '../../components/csrf-field.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { SignedInPageProps } from './shared.tsx';

/** One draft as the list shows it. */
export type DraftRow = {
  id: string;
  subject: string;
  to: string[];
  /** When it was last saved, formatted for the reader. */
  savedAt: string;
  savedAtIso: string;
  savedOnTimeout: boolean;
};

/** Why the drafts page shows a banner. */
export type DraftsNotice = 'timeout' | 'deleted' | 'saved';

/** The account's drafts: open one to carry on writing, or delete it. */
export function DraftsPage(
  props: SignedInPageProps & { drafts: DraftRow[]; notice?: DraftsNotice | null },
) {
  const s = props.strings.compose.drafts;
  const link = (path: string) => linkKeepingLang(props, path);
  const pendingTimeout = props.notice !== 'timeout' && props.drafts.some((d) => d.savedOnTimeout);
  return (
    <Layout {...props} title={s.title} nav="drafts">
      {props.notice === 'timeout' ? (
        <NotificationBanner type="success" strings={props.strings} heading={s.notices.timeout}>
          <p class="govuk-body">{s.notices.timeoutBody}</p>
        </NotificationBanner>
      ) : props.notice ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.notices[props.notice]}
        />
      ) : pendingTimeout ? (
        <NotificationBanner strings={props.strings} heading={s.pendingTimeout} />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      {props.drafts.length === 0 ? (
        <p class="govuk-body">{s.none}</p>
      ) : (
        <Table
          caption={s.title}
          captionHidden
          head={[{ text: s.subject }, { text: s.to }, { text: s.saved }, { text: s.actions }]}
          rows={props.drafts.map((d) => {
            const subject = d.subject.trim() === '' ? s.noSubject : d.subject;
            return {
              cells: [
                {
                  header: true,
                  text: (
                    <>
                      <a class="govuk-link" href={link(`/drafts/${encodeURIComponent(d.id)}`)}>
                        {subject}
                      </a>
                      {d.savedOnTimeout ? (
                        <>
                          {' '}
                          <Tag text={s.savedOnTimeout} colour="yellow" />
                        </>
                      ) : null}
                    </>
                  ),
                },
                {
                  text: d.to.length > 0 ? d.to.join(', ') : s.nobody,
                  class: 'govuk-!-text-break-word',
                },
                { text: <time datetime={d.savedAtIso}>{d.savedAt}</time> },
                {
                  text: (
                    <form method="post" action={link(`/drafts/${encodeURIComponent(d.id)}/delete`)}>
                      <CsrfField token={props.csrfToken} />
                      <button type="submit" class="sp-link-button">
                        {s.delete}
                        <span class="govuk-visually-hidden"> {s.deleteHidden(subject)}</span>
                      </button>
                    </form>
                  ),
                },
              ],
            };
          })}
        />
      )}
    </Layout>
  );
}
