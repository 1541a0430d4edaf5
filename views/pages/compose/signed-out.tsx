import { Button } from '../../components/button.tsx';
import { Layout, type LayoutProps } from '../../layout.tsx';

/**
 * Shown after Send was pressed on a session that had just timed out: the message was
 * not sent but saved in Drafts, and signing in again leads straight to it.
 */
export function SavedOnTimeoutPage(
  props: Omit<LayoutProps, 'title' | 'children' | 'nav' | 'hasErrors' | 'account'> & {
    idleMinutes: number;
    filesDropped: boolean;
    signInHref: string;
  },
) {
  const s = props.strings.compose.timeout;
  return (
    <Layout {...props} account={null} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body">{s.body(props.idleMinutes)}</p>
          <p class="govuk-body govuk-!-font-weight-bold">{s.saved}</p>
          {props.filesDropped ? <p class="govuk-body">{s.filesDropped}</p> : null}
          <Button href={props.signInHref}>{s.action}</Button>
        </div>
      </div>
    </Layout>
  );
}
