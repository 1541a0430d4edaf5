/**
 * A small, strict reader of the HTML the portal and the sanitiser produce, with no
 * test-runner dependency, so the long fuzz runs (plain node scripts) use the very same
 * checks as the suites.
 */

/** One start tag's name and attributes (names lower-cased, values with entities decoded). */
export type StartTag = { name: string; attributes: Array<[string, string]>; source: string };

/**
 * The start tags of an HTML document. Text and attribute values never hold a raw `<`
 * or `"` in what the portal renders (JSX escapes both), so a tag ends at the first `>`
 * outside quotes; anything that is not a well-formed tag is returned with name `?`, so
 * a check never silently skips markup it could not read.
 */
export function startTags(html: string): StartTag[] {
  const tags: StartTag[] = [];
  const body = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of body.matchAll(/<([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const attributes: Array<[string, string]> = [];
    const rest = match[2] ?? '';
    const pattern = /\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|\s*\/\s*/y;
    let at = 0;
    let readable = true;
    while (at < rest.length) {
      pattern.lastIndex = at;
      const attribute = pattern.exec(rest);
      if (!attribute || attribute[0] === '') {
        readable = /^\s*$/.test(rest.slice(at));
        break;
      }
      at = pattern.lastIndex;
      if (attribute[1]) {
        const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
        attributes.push([attribute[1].toLowerCase(), decodeEntities(value)]);
      }
    }
    tags.push({
      name: readable ? (match[1] ?? '').toLowerCase() : '?',
      attributes,
      source: match[0],
    });
  }
  return tags;
}

/** HTML character references decoded (numeric ones and the few named ones that matter). */
export function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&#(\d+);?/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&(quot|apos|lt|gt|colon|tab|newline|amp);/gi, (_, name: string) => {
      const named: Record<string, string> = {
        quot: '"',
        apos: "'",
        lt: '<',
        gt: '>',
        colon: ':',
        tab: '\t',
        newline: '\n',
        amp: '&',
      };
      return named[name.toLowerCase()] ?? '';
    });
}

/** True when a URL attribute's value would run script (browsers ignore these characters). */
export function isScriptUrl(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers strip them from URLs.
  const squeezed = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  return /^(javascript|vbscript|data:text\/html|data:image\/svg)/.test(squeezed);
}
