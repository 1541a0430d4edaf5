import type { KeyInfo } from '../../../core/crypto/ports.ts';
import { Button } from '../../components/button.tsx';
import { CsrfField } from '../../components/csrf-field.tsx';
import { InsetText } from '../../components/inset-text.tsx';
import { NotificationBanner } from '../../components/notification-banner.tsx';
import { Table } from '../../components/table.tsx';
import { Tag } from '../../components/tag.tsx';
import { linkKeepingLang } from '../../layout.tsx';
import { formatDateTime } from '../mailbox/shared.tsx';
import { ADMIN_PATHS, AdminLayout, type AdminPageProps } from './shared.tsx';

/** A fingerprint in groups of four, as GnuPG prints it, so people can compare it. */
export function groupFingerprint(fingerprint: string): string {
  return (fingerprint.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

/** The organisation's keys (primary first) and rotating to a new one. */
export function KeysPage(props: AdminPageProps & { keys: KeyInfo[]; rotated?: string | null }) {
  const s = props.strings.admin.keys;
  return (
    <AdminLayout {...props} title={s.title} nav="keys">
      {props.rotated ? (
        <NotificationBanner
          type="success"
          strings={props.strings}
          heading={s.rotated(groupFingerprint(props.rotated))}
        />
      ) : null}
      <h1 class="govuk-heading-l">{s.title}</h1>
      <p class="govuk-body">{s.intro}</p>
      <Table
        caption={s.caption}
        captionHidden
        head={[
          { text: s.columns.fingerprint },
          { text: s.columns.created },
          { text: s.columns.primary },
        ]}
        rows={props.keys.map((key) => ({
          cells: [
            { text: <code class="sp-fingerprint">{groupFingerprint(key.fingerprint)}</code> },
            { text: formatDateTime(key.createdAt, props.lang) },
            {
              text: key.isPrimary ? (
                <Tag text={s.primary} colour="green" />
              ) : (
                <Tag text={s.older} colour="grey" />
              ),
            },
          ],
        }))}
      />
      <h2 class="govuk-heading-m">{s.rotateHeading}</h2>
      <p class="govuk-body">{s.rotateIntro}</p>
      <InsetText>{s.reencrypt}</InsetText>
      <form method="post" action={linkKeepingLang(props, ADMIN_PATHS.rotateKey)}>
        <CsrfField token={props.csrfToken} />
        <Button variant="warning">{s.rotate}</Button>
      </form>
    </AdminLayout>
  );
}
