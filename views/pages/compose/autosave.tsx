import type { Strings } from '../../strings/index.ts';

/**
 * What sits in the compose form's `#autosave` status region: the id of the draft the
 * message is saved in (a hidden field, so Send and the next save use the same draft),
 * and a short line saying when it was saved. htmx swaps in a fresh copy after each
 * automatic save; without JavaScript it is only the hidden field.
 */
export function AutosaveStatus(props: {
  strings: Strings;
  draftId: string | null;
  /** When it was saved, formatted for the reader; null says nothing. */
  savedAt: string | null;
  /** The session had ended: the text was saved, and the person must sign in again. */
  signedOut?: { signInHref: string } | null;
}) {
  const s = props.strings.compose;
  return (
    <>
      {props.draftId ? <input type="hidden" name="draftId" value={props.draftId} /> : null}
      {props.signedOut ? (
        <p class="govuk-body-s">
          {s.autosaveSignedOut}{' '}
          <a class="govuk-link" href={props.signedOut.signInHref} hx-boost="false">
            {s.autosaveSignIn}
          </a>
        </p>
      ) : props.savedAt ? (
        <p class="govuk-body-s">{s.autosaved(props.savedAt)}</p>
      ) : null}
    </>
  );
}
