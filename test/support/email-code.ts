/** The one-time code in an emailed code's text ("Your code is 123456."), or an error naming what was read. */
export function codeIn(text: string | undefined): string {
  const code = /Your code is (\d{6})\b/.exec(text ?? '')?.[1];
  if (!code) throw new Error(`no code in:\n${text}`);
  return code;
}

/** The newest code emailed to `to`, from a list of decrypted outbox emails (oldest first). */
export function newestCodeTo(
  mails: ReadonlyArray<{ kind: string; to: string; text: string }>,
  to: string,
): string {
  const mail = mails.filter((m) => m.kind === 'email-code' && m.to === to).at(-1);
  return codeIn(mail?.text);
}
