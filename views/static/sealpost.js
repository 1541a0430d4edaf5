// Sealpost's only script of its own. Every page works without it; htmx's settings are in
// the page's <meta name="htmx-config">, so nothing here needs to run before htmx.
//
// A full page load puts a screen reader at the top of the new page. A boosted htmx
// navigation swaps the body in place and says nothing, so after one we move focus
// where a page load would leave the reader: the error summary when a form came back
// with errors (as GOV.UK Frontend's own script does), else the page's heading.
(() => {
  function focusPageStart() {
    const target =
      document.querySelector('.govuk-error-summary') || document.querySelector('main h1');
    if (!target) return;
    if (!target.hasAttribute('tabindex')) {
      target.setAttribute('tabindex', '-1');
      // Only a focus target while focused: it must not become a tab stop.
      target.addEventListener('blur', () => target.removeAttribute('tabindex'), { once: true });
    }
    target.focus();
  }

  const summary = document.querySelector('.govuk-error-summary');
  if (summary) {
    summary.setAttribute('tabindex', '-1');
    summary.focus();
  }

  document.addEventListener('htmx:afterSettle', (event) => {
    if (event.detail?.boosted) focusPageStart();
  });
})();
