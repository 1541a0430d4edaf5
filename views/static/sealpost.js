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

  // The warning before an idle sign-out (WCAG 2.2.1). A signed-in page carries the
  // dialog as <template id="sp-timeout">. We learn how long is left from the header of
  // an htmx answer, or by asking /session/status (a GET that does not count as
  // activity), warn two minutes before the end, and "Stay signed in" posts to
  // /session/extend. Before warning we ask again, so another tab's activity is seen.
  // Escape means "stay". Browsers without <dialog> just get no warning.
  const LEAD_SECONDS = 120;
  let timer = null;
  let dialog = null;

  function schedule(seconds) {
    clearTimeout(timer);
    // setTimeout's limit is about 24.8 days; a "Remember me" session can last longer.
    timer = setTimeout(check, Math.min(Math.max(seconds, 0), 86400) * 1000);
  }

  function leadFor(status) {
    return Math.min(LEAD_SECONDS, Math.floor((status.idleSeconds || LEAD_SECONDS * 2) / 2));
  }

  async function ask(method) {
    const headers = { Accept: 'application/json' };
    if (method === 'POST') {
      const field = document.querySelector('#sp-timeout');
      const token = field?.content.querySelector('input[name="_csrf"]')?.value;
      if (token) headers['X-CSRF-Token'] = token;
    }
    const res = await fetch(method === 'POST' ? '/session/extend' : '/session/status', {
      method,
      headers,
      credentials: 'same-origin',
    });
    if (res.status === 401) return { signedIn: false };
    if (!res.ok) throw new Error(String(res.status));
    return res.json();
  }

  function openDialog() {
    if (dialog?.open) return dialog;
    const template = document.getElementById('sp-timeout');
    if (!template) return null;
    const box = template.content.firstElementChild.cloneNode(true);
    dialog = box;
    document.body.appendChild(box);
    // "Stay signed in", "Close" and Escape all just close the dialog; what closing means
    // is decided in one place below. (Chrome may close on Escape without a cancel
    // event, so Escape cannot be handled there.)
    box.querySelector('[data-sp-stay]').addEventListener('click', () => box.close());
    box.querySelector('[data-sp-close]').addEventListener('click', () => box.close());
    box.addEventListener('close', () => {
      box.remove();
      // Closed by the person while the warning showed: they want to stay signed in.
      // (closeDialog marks the closes the script makes itself.)
      const warning = !box.querySelector('[data-sp-state="warning"]').hidden;
      if (warning && box.dataset.closedByScript !== 'yes') stay();
    });
    const signIn = dialog.querySelector('[data-sp-sign-in]');
    const next = location.pathname + location.search;
    const href = signIn.getAttribute('href');
    signIn.setAttribute(
      'href',
      `${href}${href.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`,
    );
    dialog.showModal();
    return dialog;
  }

  function closeDialog() {
    if (!dialog?.open) return;
    dialog.dataset.closedByScript = 'yes';
    dialog.close();
  }

  // British conventions (14:05), in the page's language and in the time zone the page's
  // own session line uses (UK time), so the line and the dialog never disagree.
  function formatTime(at) {
    const lang = `${document.documentElement.lang || 'en'}-GB`;
    const zone = document.querySelector('[data-sp-session-time]')?.dataset.spSessionTime;
    const options = { hour: '2-digit', minute: '2-digit' };
    try {
      return at.toLocaleTimeString(lang, zone ? { ...options, timeZone: zone } : options);
    } catch {
      return at.toLocaleTimeString(lang, options);
    }
  }

  function showWarning(endsInSeconds) {
    const box = openDialog();
    if (!box) return;
    box.querySelector('[data-sp-ends-at]').textContent = formatTime(
      new Date(Date.now() + endsInSeconds * 1000),
    );
  }

  // The session line at the top of the page ("You will be signed out at 14:32 if you do
  // nothing") was right when the page was made; activity in another tab, or "Stay
  // signed in", moves the end. Quietly: it is not a live region, the dialog warns.
  function updateLine(status) {
    const time = document.querySelector('[data-sp-session-time]');
    if (!time || !status.signedIn || status.endsInSeconds > 12 * 3600) return;
    const at = new Date(Date.now() + status.endsInSeconds * 1000);
    const shown = Date.parse(time.getAttribute('datetime') || '');
    if (Math.abs(at.getTime() - shown) < 30000) return;
    time.setAttribute('datetime', at.toISOString());
    time.textContent = formatTime(at);
  }

  function showEnded() {
    clearTimeout(timer);
    const box = openDialog();
    if (!box) return;
    box.querySelector('[data-sp-state="warning"]').hidden = true;
    box.querySelector('[data-sp-state="ended"]').hidden = false;
    box.setAttribute('aria-labelledby', 'sp-timeout-ended-title');
    box.setAttribute('aria-describedby', 'sp-timeout-ended-text');
    box.querySelector('[data-sp-sign-in]').focus();
  }

  function follow(status) {
    if (!status.signedIn) return showEnded();
    updateLine(status);
    const lead = leadFor(status);
    if (status.byInactivity && status.endsInSeconds <= lead) {
      showWarning(status.endsInSeconds);
      return schedule(status.endsInSeconds + 1);
    }
    closeDialog();
    // The lifetime limit cannot be extended: no warning, just the signed-out notice.
    schedule(status.byInactivity ? status.endsInSeconds - lead : status.endsInSeconds + 1);
  }

  async function check() {
    if (!document.getElementById('sp-timeout')) return;
    try {
      follow(await ask('GET'));
    } catch {
      schedule(30); // offline for a moment: try again soon
    }
  }

  async function stay() {
    try {
      follow(await ask('POST'));
    } catch {
      schedule(30);
    }
  }

  if (typeof HTMLDialogElement === 'function' && window.fetch) {
    check();
    // The session line's "Stay signed in" is a plain form for browsers without
    // JavaScript. Here it is sent in the background instead: a page load would lose
    // whatever is being typed in a form on the page.
    document.addEventListener('submit', (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-sp-session-stay')) return;
      event.preventDefault();
      stay();
    });
    // Each htmx answer was activity (and may have signed in or out). A signed-in answer
    // carries the session's status in a header (X-Sealpost-Session), so there is
    // nothing to ask; otherwise look again once the answer is on the page.
    document.addEventListener('htmx:afterSettle', (event) => {
      const header = event.detail?.xhr?.getResponseHeader('X-Sealpost-Session');
      if (header && document.getElementById('sp-timeout')) follow(JSON.parse(header));
      else check();
    });
  }
})();
