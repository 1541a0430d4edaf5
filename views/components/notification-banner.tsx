import type { Child } from 'hono/jsx';
import type { Strings } from '../strings/index.ts';

/**
 * A GOV.UK notification banner, above the page heading. `success` confirms what the
 * person just did ("Message sent") and is announced (`role="alert"`); `important`
 * tells them something they need to know, as a labelled region.
 */
export function NotificationBanner(props: {
  type?: 'important' | 'success';
  /** The bold first line. */
  heading: Child;
  /** Anything after it. */
  children?: Child;
  /** Defaults to "Important" or "Success". */
  title?: string;
  /** Give each banner its own id when a page has more than one. */
  titleId?: string;
  strings: Strings;
}) {
  const type = props.type ?? 'important';
  const titleId = props.titleId ?? 'govuk-notification-banner-title';
  const title =
    props.title ??
    (type === 'success' ? props.strings.components.success : props.strings.components.important);
  return (
    <div
      class={`govuk-notification-banner${type === 'success' ? ' govuk-notification-banner--success' : ''}`}
      {...(type === 'success'
        ? { role: 'alert', 'aria-labelledby': titleId }
        : { role: 'region', 'aria-labelledby': titleId })}
      data-module="govuk-notification-banner"
    >
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id={titleId}>
          {title}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{props.heading}</p>
        {props.children}
      </div>
    </div>
  );
}
