import type { PaginationItem } from '../../components/pagination.tsx';
import type { LayoutProps } from '../../layout.tsx';
import type { Lang, Strings } from '../../strings/index.ts';

/** What every signed-in mailbox page gives the layout, plus the reader's address. */
export type MailboxPageProps = Omit<
  LayoutProps,
  'title' | 'children' | 'nav' | 'hasErrors' | 'account' | 'csrfToken'
> & {
  account: { displayName: string; email: string };
  /** The token every form on the page posts (see adapters/http/middleware/csrf.ts). */
  csrfToken: string;
};

/** Councils using Sealpost are in the UK: times are shown in UK time, whatever the server's zone. */
export const TIME_ZONE = 'Europe/London';

const LOCALES: Record<Lang, string> = { en: 'en-GB', cy: 'cy-GB' };

// Building an Intl.DateTimeFormat costs far more than formatting with one, and a
// mailbox page formats a date per row: one formatter per language and style, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, style: 'long' | 'short' | 'time' | 'day'): Intl.DateTimeFormat {
  const key = `${lang}:${style}`;
  let found = formatters.get(key);
  if (!found) {
    const options: Intl.DateTimeFormatOptions =
      style === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : style === 'day'
          ? { day: 'numeric', month: 'long', year: 'numeric' }
          : style === 'long'
            ? { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }
            : { day: 'numeric', month: 'short', year: 'numeric' };
    found = new Intl.DateTimeFormat(LOCALES[lang], { ...options, timeZone: TIME_ZONE });
    formatters.set(key, found);
  }
  return found;
}

/** "3 March 2025 at 09:00" in UK time. */
export function formatDateTime(date: Date, lang: Lang): string {
  return formatter(lang, 'long').format(date);
}

/** "3 March 2025" in UK time. */
export function formatLongDate(date: Date, lang: Lang): string {
  return formatter(lang, 'day').format(date);
}

/** "3 Mar 2025" in UK time, for lists. */
export function formatDate(date: Date, lang: Lang): string {
  return formatter(lang, 'short').format(date);
}

/** "09:32" in UK time. */
export function formatTime(date: Date, lang: Lang): string {
  return formatter(lang, 'time').format(date);
}

/** A size people can read: "512 bytes", "1.2 MB". */
export function formatSize(bytes: number, strings: Strings): string {
  const s = strings.mailbox.sizes;
  if (bytes < 1024) return s.bytes(bytes);
  const units = [s.kb, s.mb, s.gb];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return (units[unit] ?? s.gb)(shown);
}

/** A short, readable name for a content type ("PDF", "Word document"). */
export function fileTypeName(contentType: string, strings: Strings): string {
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return strings.mailbox.fileTypes[base] ?? strings.mailbox.otherFileType;
}

/**
 * GOV.UK pagination items for page `current` of `pages`: the first and last pages,
 * the current one and its neighbours, with gaps between.
 */
export function paginationItems(
  current: number,
  pages: number,
  href: (page: number) => string,
): PaginationItem[] {
  if (pages <= 1) return [];
  const shown = [...new Set([1, current - 1, current, current + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const items: PaginationItem[] = [];
  let previous = 0;
  for (const n of shown) {
    if (n - previous > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === current });
    previous = n;
  }
  return items;
}

/** The path of a delivered message's page and its sub-pages. */
export const mailboxPaths = {
  inbox: '/inbox',
  expired: '/inbox?expired=1',
  message: (id: string) => `/inbox/${encodeURIComponent(id)}`,
  attachment: (id: string, attachmentId: string) =>
    `/inbox/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  reply: (id: string, all: boolean) =>
    `/inbox/${encodeURIComponent(id)}/reply${all ? '?all=1' : ''}`,
  forward: (id: string) => `/inbox/${encodeURIComponent(id)}/forward`,
  delete: (id: string) => `/inbox/${encodeURIComponent(id)}/delete`,
  requestAccess: (id: string) => `/inbox/${encodeURIComponent(id)}/request-access`,
  account: '/account',
  signOutEverywhere: '/sign-out-everywhere',
};
