import { Button } from '../components/button.tsx';
import { Layout, type LayoutProps, linkKeepingLang } from '../layout.tsx';

/** What an error page needs: the same as any page, less the title and content. */
export type ErrorPageProps = Omit<LayoutProps, 'title' | 'children' | 'nav' | 'hasErrors'>;

/**
 * 404. Worded for a person who followed a link in an email: the same page answers a
 * mistyped address and a message they may not see, so it never says which.
 */
export function NotFoundPage(props: ErrorPageProps) {
  const text = props.strings.errors.notFound;
  return (
    <Layout {...props} title={text.title}>
      <h1 class="govuk-heading-l">{text.title}</h1>
      <p class="govuk-body">{text.typed}</p>
      <p class="govuk-body">{text.pasted}</p>
      <p class="govuk-body">{text.link}</p>
      <p class="govuk-body">
        <a class="govuk-link" href={linkKeepingLang(props, '/')}>
          {text.home}
        </a>
      </p>
    </Layout>
  );
}

/**
 * 500. A plain sentence and the request id to quote; never the error itself (that is
 * in the log, under the same id).
 */
export function ServerErrorPage(props: ErrorPageProps & { requestId?: string | undefined }) {
  const text = props.strings.errors.serverError;
  return (
    <Layout {...props} title={text.title}>
      <h1 class="govuk-heading-l">{text.title}</h1>
      <p class="govuk-body">{text.tryLater}</p>
      <p class="govuk-body">{text.nothingLost}</p>
      {props.requestId ? <p class="govuk-body">{text.reference(props.requestId)}</p> : null}
    </Layout>
  );
}

/**
 * Shown (status 503) when stored content cannot be decrypted: the council's keys are
 * missing or locked, which only an administrator can mend. Nothing is lost; it says so.
 */
export function RepairingPage(props: ErrorPageProps & { requestId?: string | undefined }) {
  const text = props.strings.errors.repairing;
  return (
    <Layout {...props} title={text.title}>
      <h1 class="govuk-heading-l">{text.title}</h1>
      <p class="govuk-body">{text.body}</p>
      <p class="govuk-body">{text.nothingLost}</p>
      {props.requestId ? (
        <p class="govuk-body">{props.strings.errors.serverError.reference(props.requestId)}</p>
      ) : null}
    </Layout>
  );
}

/**
 * Shown (status 401) when a signed-out person opens a page that needs a session, for
 * example a message link after their session ended. The button goes to the sign-in page,
 * which can return them here.
 */
export function SignInRequiredPage(props: ErrorPageProps & { signInHref: string }) {
  const text = props.strings.errors.signInRequired;
  return (
    <Layout {...props} account={null} title={text.title}>
      <h1 class="govuk-heading-l">{text.title}</h1>
      <p class="govuk-body">{text.body}</p>
      <Button href={props.signInHref}>{text.action}</Button>
    </Layout>
  );
}
