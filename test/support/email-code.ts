/** The one-time code in an emailed code's text ("Your code is 12345678."), or an error naming what was read. */
export function codeIn(text: string | undefined): string {
  const code = /Your code is (\d{8})\b/.exec(text ?? '')?.[1];
  if (!code) throw new Error(`no code in:\n${text}`);
  return code;
}

/** The newest code emailed to `to`, from a list of decrypted outbox emails (oldest first). */
export function newestCodeTo(
  mails: ReadonlyArray<{ kind: string; to: string; text: string }>,
  to: string,
): string {
  const key = to.toLowerCase();
  const mail = mails.filter((m) => m.kind === 'email-code' && m.to.toLowerCase() === key).at(-1);
  return codeIn(mail?.text);
}
