import { Layout } from '../../layout.tsx';
import type { AuthPageProps } from './shared.tsx';

/**
 * The 403 for a form that failed the CSRF check: usually a page left open for hours,
 * or a form posted from another site. It says how to carry on, and nothing more.
 */
export function FormRefusedPage(props: Omit<AuthPageProps, 'csrfToken'>) {
  const s = props.strings.auth.refused;
  return (
    <Layout {...props} account={null} title={s.title}>
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.body}</p>
    </Layout>
  );
}
