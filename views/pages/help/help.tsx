import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { Layout, type LayoutProps, linkKeepingLang } from '../../layout.tsx';
import type { HelpSection, HelpTopicKey } from '../../strings/en/help.ts';
import { HELP_TOPICS } from '../../strings/en/help.ts';

/** What a help page gives the layout: signed in or not, both work. */
export type HelpPageProps = Omit<LayoutProps, 'title' | 'children' | 'nav' | 'hasErrors'>;

/** The path of a help page. */
export const helpPath = (topic?: HelpTopicKey) => (topic ? `/help/${topic}` : '/help');

/** The list of help topics, each a link with a one-line summary. */
export function HelpIndexPage(props: HelpPageProps) {
  const s = props.strings.help;
  return (
    <Layout {...props} title={s.title} nav="help">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.intro}</p>
          <h2 class="govuk-heading-m">{s.topicsHeading}</h2>
          <ul class="govuk-list">
            {HELP_TOPICS.map((key) => (
              <li class="govuk-!-margin-bottom-4">
                <a
                  class="govuk-link govuk-!-font-weight-bold"
                  href={linkKeepingLang(props, helpPath(key))}
                >
                  {s.topics[key].title}
                </a>
                <br />
                {s.topics[key].summary}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </Layout>
  );
}

/** One help topic: its sections, with links to the pages they mention. */
export function HelpTopicPage(props: HelpPageProps & { topic: HelpTopicKey }) {
  const s = props.strings.help;
  const topic = s.topics[props.topic];
  return (
    <Layout
      {...props}
      title={topic.title}
      nav="help"
      beforeContent={
        <Breadcrumbs
          strings={props.strings}
          items={[{ text: s.related, href: linkKeepingLang(props, helpPath()) }]}
        />
      }
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{topic.title}</h1>
          {topic.sections.map((section: HelpSection) => (
            <>
              {section.heading ? <h2 class="govuk-heading-m">{section.heading}</h2> : null}
              {section.paragraphs.map((text) => (
                <p class="govuk-body">{text}</p>
              ))}
              {section.list ? (
                <ol class="govuk-list govuk-list--number">
                  {section.list.map((item) => (
                    <li>{item}</li>
                  ))}
                </ol>
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
