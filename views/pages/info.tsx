import { Layout, type LayoutProps, linkKeepingLang } from '../layout.tsx';
import type { HelpSection, HelpTopic } from '../strings/en/help.ts';

/** What an information page (privacy, accessibility) gives the layout. */
export type InfoPageProps = Omit<LayoutProps, 'title' | 'children' | 'nav' | 'hasErrors'> & {
  page: HelpTopic;
};

/** A page of plain information, signed in or not: the footer's privacy and accessibility. */
export function InfoPage(props: InfoPageProps) {
  const { page } = props;
  return (
    <Layout {...props} title={page.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{page.title}</h1>
          {page.sections.map((section: HelpSection) => (
            <>
              {section.heading ? <h2 class="govuk-heading-m">{section.heading}</h2> : null}
              {section.paragraphs.map((text) => (
                <p class="govuk-body">{text}</p>
              ))}
              {section.list ? (
                <ul class="govuk-list govuk-list--bullet">
                  {section.list.map((item) => (
                    <li>{item}</li>
                  ))}
                </ul>
              ) : null}
              {section.links?.map((l) => (
                <p class="govuk-body">
                  <a class="govuk-link" href={linkKeepingLang(props, l.href)}>
                    {l.text}
                  </a>
                </p>
              ))}
            </>
          ))}
        </div>
      </div>
    </Layout>
  );
}
