import type { AccountDeps } from './deps.ts';

/** A language code as the views name them: a BCP 47 primary tag (`en`, `cy`). */
const LANGUAGE_CODE = /^[a-z]{2,3}$/;

/**
 * Keeps the language a person chose with their account, for their pages and emails.
 * Core keeps only the code; which languages exist is the views' business, so the
 * caller passes one it speaks. With `onlyIfUnset` (a choice made before signing in,
 * saved at sign-in), an account that already has a language keeps it. Answers whether
 * anything changed: choosing the language already kept writes nothing.
 */
export function saveAccountLanguage(
  deps: Pick<AccountDeps, 'storage' | 'clock'>,
  input: { accountId: string; language: string; onlyIfUnset?: boolean },
): Promise<boolean> {
  if (!LANGUAGE_CODE.test(input.language)) return Promise.resolve(false);
  return deps.storage.transaction(async (repos) => {
    const account = await repos.accounts.findById({ id: input.accountId, forUpdate: true });
    if (!account) return false;
    if (account.language === input.language) return false;
    if (input.onlyIfUnset && account.language !== null) return false;
    await repos.accounts.update({
      account: { ...account, language: input.language, updatedAt: deps.clock.now() },
    });
    return true;
  });
}
