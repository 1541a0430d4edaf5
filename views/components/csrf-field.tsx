/**
 * The anti-CSRF token every POST form carries, as the hidden field `_csrf` that the
 * CSRF middleware checks. Put it first inside each `<form method="post">`.
 */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
