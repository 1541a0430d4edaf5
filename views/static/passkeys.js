// Passkey buttons. Every page works without this: a passkey button is rendered `hidden`,
// and only shown here when the browser can use passkeys (it has PublicKeyCredential).
// Everything comes from the button's data-* attributes (strict CSP: no inline script):
//   data-passkey-action  "register" or "authenticate"
//   data-passkey-url     where to POST: first { step: "options" }, then { step: "verify", ... }
//   data-passkey-csrf    the page's CSRF token, sent as X-CSRF-Token
//   data-passkey-lib     the URL of @simplewebauthn/browser's bundle (ours, same origin),
//                        loaded the first time a passkey is used, not on every page
//   data-passkey-error   the id of the hidden message to show when it did not work
//   data-passkey-name    (register) the id of the input that names the new passkey
// The server answers JSON; on success it says where to go next and we go there.
(() => {
  const supported = () =>
    typeof window.PublicKeyCredential === 'function' &&
    typeof navigator.credentials?.get === 'function';

  function reveal() {
    if (!supported()) return;
    for (const button of document.querySelectorAll('[data-passkey-action][hidden]')) {
      button.hidden = false;
    }
    for (const note of document.querySelectorAll('[data-passkey-unsupported]')) {
      note.hidden = true;
    }
    for (const block of document.querySelectorAll('[data-passkey-block][hidden]')) {
      block.hidden = false;
    }
  }

  let library = null;
  function loadLibrary(url) {
    if (window.SimpleWebAuthnBrowser) return Promise.resolve(window.SimpleWebAuthnBrowser);
    if (!library) {
      library = new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = url;
        script.onload = () => resolve(window.SimpleWebAuthnBrowser);
        script.onerror = () => {
          library = null;
          reject(new Error('passkey library did not load'));
        };
        document.head.appendChild(script);
      });
    }
    return library;
  }

  async function post(url, token, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': token,
      },
      body: JSON.stringify(body),
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    return { ok: res.ok, data };
  }

  async function run(button) {
    const d = button.dataset;
    const error = d.passkeyError ? document.getElementById(d.passkeyError) : null;
    if (error) error.hidden = true;
    button.disabled = true;
    button.setAttribute('aria-disabled', 'true');
    try {
      const lib = await loadLibrary(d.passkeyLib);
      const first = await post(d.passkeyUrl, d.passkeyCsrf, { step: 'options' });
      if (first.data?.redirect) {
        window.location.assign(first.data.redirect);
        return;
      }
      if (!first.ok || !first.data?.options) throw new Error('no options');
      const response =
        d.passkeyAction === 'register'
          ? await lib.startRegistration({ optionsJSON: first.data.options })
          : await lib.startAuthentication({ optionsJSON: first.data.options });
      const nameInput = d.passkeyName ? document.getElementById(d.passkeyName) : null;
      const second = await post(d.passkeyUrl, d.passkeyCsrf, {
        step: 'verify',
        response,
        name: nameInput ? nameInput.value : '',
      });
      if (second.data?.redirect) {
        window.location.assign(second.data.redirect);
        return;
      }
      throw new Error('refused');
    } catch {
      // Cancelled, timed out, or refused: the page says only that it did not work.
      if (error) error.hidden = false;
      button.disabled = false;
      button.removeAttribute('aria-disabled');
    }
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('[data-passkey-action]');
    if (!button || button.disabled) return;
    event.preventDefault();
    run(button);
  });

  reveal();
  document.addEventListener('htmx:afterSettle', reveal);
})();
