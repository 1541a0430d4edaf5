import type { SsoRefusal } from '../../../core/auth/sso/model.ts';
import { Layout, linkKeepingLang } from '../../layout.tsx';
import type { AuthPageProps } from './shared.tsx';

/**
 * Why a sign-in through the council's provider did not happen, in one plain sentence
 * per reason (the audit trail keeps the code), with the way back to the sign-in page,
 * where a person who still has a password can use it.
 */
export function SsoRefusedPage(props: AuthPageProps & { reason: SsoRefusal | 'too-many' }) {
  const s = props.strings.sso.refused;
  return (
    <Layout {...props} account={null} title={s.title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{s.title}</h1>
          <p class="govuk-body" data-reason={props.reason}>
            {s.reasons[props.reason]}
          </p>
          <p class="govuk-body">{s.passwordHint}</p>
          <p class="govuk-body">
            <a class="govuk-link" href={linkKeepingLang(props, '/sign-in')}>
              {s.tryAgain}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
