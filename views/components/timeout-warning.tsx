import type { Strings } from '../strings/index.ts';
import { CsrfField } from './csrf-field.tsx';

/**
 * The warning before an idle sign-out (WCAG 2.2.1, Timing Adjustable), as an inert
 * `<template>`: without JavaScript it shows nothing and weighs a few hundred bytes.
 * `views/static/sealpost.js` opens it as a modal `<dialog>` two minutes before the
 * session ends, with the time it ends at, and "Stay signed in" (focused first, and
 * what Escape does too) or "Sign out". If the time passes, the second part replaces
 * the first: signed out, with a way back and a way to close the dialog and see the
 * page again (a new message sent from the compose form now is kept as a draft, see
 * `RESUME_WINDOW_MS`).
 */
export function TimeoutWarning(props: {
  strings: Strings;
  csrfToken: string | undefined;
  signOutHref: string;
  signInHref: string;
}) {
  const s = props.strings.layout.timeout;
  return (
    <template id="sp-timeout">
      <dialog
        class="sp-timeout"
        aria-labelledby="sp-timeout-title"
        aria-describedby="sp-timeout-text"
      >
        <div data-sp-state="warning">
          <h2 class="govuk-heading-m" id="sp-timeout-title">
            {s.title}
          </h2>
          <p class="govuk-body" id="sp-timeout-text">
            {s.before}
            <strong data-sp-ends-at />
            {s.after}
          </p>
          <div class="govuk-button-group">
            <button type="button" class="govuk-button" data-sp-stay>
              {s.stay}
            </button>
            <form method="post" action={props.signOutHref}>
              {props.csrfToken ? <CsrfField token={props.csrfToken} /> : null}
              <button type="submit" class="govuk-button govuk-button--secondary">
                {props.strings.layout.signOut}
              </button>
            </form>
          </div>
        </div>
        <div data-sp-state="ended" hidden>
          <h2 class="govuk-heading-m" id="sp-timeout-ended-title">
            {s.endedTitle}
          </h2>
          <p class="govuk-body" id="sp-timeout-ended-text">
            {s.ended}
          </p>
          <div class="govuk-button-group">
            <a class="govuk-button" href={props.signInHref} data-sp-sign-in>
              {s.signInAgain}
            </a>
            <button type="button" class="govuk-button govuk-button--secondary" data-sp-close>
              {s.close}
            </button>
          </div>
        </div>
      </dialog>
    </template>
  );
}
