import { formatDateTime, formatTime, TIME_ZONE } from '../pages/mailbox/shared.tsx';
import type { Lang, Strings } from '../strings/index.ts';
import { CsrfField } from './csrf-field.tsx';

/**
 * Where the session line's "Stay signed in" form posts (a plain form, for browsers
 * without JavaScript; the page's script uses `/session/extend` instead).
 */
export const SESSION_STAY_PATH = '/session/stay';

/**
 * Where the layout leaves room for the session line on a signed-in page. The layout is
 * a function of its props and knows neither the session nor the page's address, so
 * the session middleware fills this in once the page is rendered (see
 * `adapters/http/middleware/session-end.ts`). An HTML comment: page content is escaped,
 * so nothing a person typed can forge it, and a page not filled in shows nothing.
 */
export const SESSION_END_SLOT = '<!--sp-session-end-->';

/** Beyond this, the line gives the date as well as the time ("Remember me" sessions). */
const DATE_AFTER_MS = 12 * 60 * 60 * 1000;

/** What the session line needs. */
export type SessionEndProps = {
  strings: Strings;
  lang: Lang;
  csrfToken: string;
  /** When the session ends if nothing more happens. */
  endsAt: Date;
  now: Date;
  /** True when that end is the idle limit, which "Stay signed in" moves; false for the lifetime. */
  byInactivity: boolean;
  /** The page "Stay signed in" comes back to (a local path), or null for the home page. */
  returnTo: string | null;
};

/**
 * One short line at the top of every signed-in page: "You will be signed out at 14:32
 * if you do nothing", and a "Stay signed in" button, a plain POST that counts as
 * activity and comes back to this page. WCAG 2.2.1 (Timing Adjustable) without
 * JavaScript: the limit is stated before it is reached, with a way to extend it.
 *
 * Not a live region: it is read where it stands, not announced on every page. With
 * JavaScript, sealpost.js keeps its time up to date and sends the form in the
 * background (no page load, so nothing typed is lost); the warning dialog remains the
 * only thing that interrupts. A lifetime end cannot be moved, so it has no button.
 * Times are UK time, as everywhere else in the portal (`TIME_ZONE`).
 */
export function SessionEnd(props: SessionEndProps) {
  const s = props.strings.layout.sessionEnd;
  const withDate = props.endsAt.getTime() - props.now.getTime() > DATE_AFTER_MS;
  const when = withDate
    ? formatDateTime(props.endsAt, props.lang)
    : formatTime(props.endsAt, props.lang);
  const time = (
    <time
      datetime={props.endsAt.toISOString()}
      data-sp-session-time={withDate ? undefined : TIME_ZONE}
    >
      {when}
    </time>
  );
  if (!props.byInactivity) {
    return (
      <div class="govuk-width-container sp-session-end">
        <p class="govuk-body-s sp-session-end__text">
          {withDate ? s.on : s.at}
          {time}
          {s.lifetimeAfter}
        </p>
      </div>
    );
  }
  return (
    <div class="govuk-width-container sp-session-end">
      {/* Not boosted: with JavaScript the script sends it without leaving the page. */}
      <form
        method="post"
        action={SESSION_STAY_PATH}
        class="sp-session-end__form"
        hx-boost="false"
        data-sp-session-stay
      >
        <CsrfField token={props.csrfToken} />
        {props.returnTo ? <input type="hidden" name="next" value={props.returnTo} /> : null}
        <p class="govuk-body-s sp-session-end__text">
          {withDate ? s.on : s.at}
          {time}
          {s.idleAfter}{' '}
          <button type="submit" class="sp-link-button sp-session-end__stay">
            {s.stay}
          </button>
        </p>
      </form>
    </div>
  );
}
