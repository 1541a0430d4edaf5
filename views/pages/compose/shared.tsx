import type { LayoutProps } from '../../layout.tsx';

/** What every signed-in page of compose, drafts, sent and contacts gives the layout. */
export type SignedInPageProps = Omit<
  LayoutProps,
  'title' | 'children' | 'nav' | 'hasErrors' | 'account' | 'csrfToken'
> & {
  account: { displayName: string };
  /** The token every form on the page posts (see adapters/http/middleware/csrf.ts). */
  csrfToken: string;
};

/** "75 MB": a size limit as people say it. */
export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toFixed(1))} MB`;
}

/**
 * A form action with the CSRF token in its query. Multipart bodies are streamed, not
 * parsed by the CSRF middleware, so their token travels in the URL of the action.
 */
export function actionWithToken(path: string, csrfToken: string): string {
  const joiner = path.includes('?') ? '&' : '?';
  return `${path}${joiner}_csrf=${encodeURIComponent(csrfToken)}`;
}
