/**
 * Messages as codes, words in views (issue 22). Core and adapters return codes with
 * parameters; every word a person reads comes from the string tables in views/strings/
 * (English in views/strings/en.ts and en/*.ts, Welsh from views/strings/cy/*.po).
 *
 * Enforced here: every string and template literal in the TypeScript sources of core/
 * and adapters/ (tests aside) is read with the TypeScript parser, and one that reads as
 * an English sentence fails the test. A literal reads as a sentence when, with markup
 * stripped and each `${…}` counted as a word, it has three or more words separated by
 * spaces and either starts with a capitalised word ("Enter a subject") or ends in
 * `.`, `?` or `!` ("… could not be found."). Not user-facing, so left out:
 * - text passed to a logger (`logger.warn(…)`, `log.info(…)`, `console.*`): log lines;
 * - text in a `throw` or passed to `new …Error(…)` / `new …Failure(…)`: developer
 *   errors (a page shows its own words for an error's `code`, never its message);
 * - adapters/cli/, doctor/, backup/, config/ and registry/: output and startup
 *   configuration problems for the admin at a terminal;
 * - the short ALLOWED list below, each with its reason.
 * See docs/i18n.md for the classification.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['core', 'adapters', 'plugins', 'views'];
/** Folders whose text is for the admin at a terminal, not a page or an email. */
const SKIPPED_FOLDERS = [
  // The `sealpost` command line: its output and usage errors.
  join('adapters', 'cli'),
  // Run only by `sealpost doctor`, whose report is printed to the terminal.
  join('adapters', 'doctor'),
  // Run only by `sealpost backup`, `restore`, `migrate-data` and `migrate-blobs`.
  join('adapters', 'backup'),
  // Startup configuration: its problems stop the process before anything is served and
  // are printed for the admin at a terminal (`sealpost` exits 2), never on a page.
  join('adapters', 'config'),
  // The adapter registry: loading and describing adapters at startup, its problems and
  // descriptions printed for the admin at a terminal (exit 2, `sealpost doctor`).
  join('adapters', 'registry'),
  // The string tables themselves: the one place words live.
  join('views', 'strings'),
];

/** JSX attributes a person reads (or hears): their text must come from the tables too. */
const READ_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'title', 'alt', 'placeholder']);

/**
 * Sentences that stay where they are, by file and start of the text, with why. Keep it
 * short: a sentence a person reads belongs in views/strings/.
 */
const ALLOWED: Array<{ file: string; startsWith: string; reason: string }> = [
  {
    file: 'plugins/classification/manifest.ts',
    startsWith: '',
    reason:
      'a plugin’s name and description: for developers, logs and docs; no page or email shows them',
  },
  {
    file: 'plugins/subject-keyword/manifest.ts',
    startsWith: '',
    reason:
      'a plugin’s name and description: for developers, logs and docs; no page or email shows them',
  },
  {
    file: 'plugins/dlp/manifest.ts',
    startsWith: '',
    reason: 'the DLP plugin’s and detectors’ names and descriptions: for developers, logs and docs',
  },
  {
    file: 'plugins/registry.ts',
    startsWith: 'Scans attachments',
    reason: 'the ClamAV plugin’s description: for developers, logs and docs',
  },
  {
    file: 'plugins/dlp/ni-number.ts',
    startsWith: 'National Insurance',
    reason:
      'a detector’s noun in the gateway’s decision: recorded in the audit trail and in SMTP replies, which stay English (docs/i18n.md)',
  },
  {
    file: 'plugins/clamav/clamd-scanner.ts',
    startsWith: 'File too large to scan',
    reason: 'a scan verdict’s threat name, like clamd’s own (Eicar-Signature): logged, never shown',
  },
  {
    file: 'views/pages/help/markdown.ts',
    startsWith: '',
    reason:
      'writes docs/recipients/*.md, the English help a council can put on its website; not a page',
  },
  {
    file: 'adapters/mail/outbox-folder.ts',
    startsWith: 'Sealpost outbox: mail ',
    reason:
      'printed on the terminal of `sealpost serve --print-links` for an admin trying Sealpost without a mail server; never on a page or in an email',
  },
  {
    file: 'adapters/http/metrics.ts',
    startsWith: '',
    reason:
      'Prometheus HELP text: read by monitoring tools and operators, part of the metrics format',
  },
  {
    file: 'adapters/crypto/openpgp/keyring.ts',
    startsWith: 'Sealpost organisation key',
    reason: 'the OpenPGP user ID of the key: an identifier inside the key, never shown on a page',
  },
  {
    file: 'adapters/gateway/smtp-replies.ts',
    startsWith: '',
    reason:
      'SMTP reply text, in its one place: protocol text that stays English and ASCII, shown ' +
      "by the client's mail server (quoted in its delivery report), never by Sealpost",
  },
  {
    file: 'adapters/gateway/smtp-gateway.ts',
    startsWith: 'The gateway ',
    reason:
      'startup configuration problems of the gateway (a ConfigurationError), printed for the ' +
      'admin at a terminal (exit 2)',
  },
  {
    file: 'adapters/crypto/openpgp/index.ts',
    startsWith: 'The cipher needs a logger.',
    reason: 'a startup configuration problem (a ConfigurationError) for the admin at a terminal',
  },
  {
    file: 'adapters/crypto/openpgp/index.ts',
    startsWith: 'chunkSize must be',
    reason: 'a startup configuration problem (a ConfigurationError) for the admin at a terminal',
  },
  {
    file: 'adapters/storage/sqlite/blob-chunks.ts',
    startsWith: 'The database blob store',
    reason: 'the store named in a thrown developer error (refuseInsideTransaction)',
  },
];

/**
 * Files allowed to hold sentences while they are being converted, with how many each
 * may still hold. Empty since issue 22 was finished: keep it so. The count may only go
 * down (a file that is clean must leave this list).
 */
const PENDING: Record<string, number> = {};

const RULE =
  'A sentence a person reads lives in views/strings/ (English in en.ts / en/*.ts, Welsh in ' +
  'cy/*.po): return a code (a string-literal union) with parameters from core and map it to ' +
  'words in the adapter or view. Log lines, thrown developer errors and CLI output may stay ' +
  'English (docs/i18n.md).';

const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'log']);

/** One literal that reads as an English sentence. */
type Finding = { file: string; line: number; text: string };

/** The literal's text as a reader would see it: `${…}` as a word, markup gone. */
function readable(node: ts.StringLiteralLike | ts.TemplateExpression): string {
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((s) => `x${s.literal.text}`)].join('');
  }
  return node.text;
}

/** True when a text reads as an English sentence (see the top of this file). */
function readsAsSentence(raw: string): boolean {
  const text = raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Prose: words with single spaces between them. Code, SQL, paths and headers are not.
  if (/[=;{}|\\_]|^[a-z]+:\/\/|\/\S/.test(text)) return false;
  const tokens = text.split(' ');
  const words = tokens.filter((t) => /^["'“‘(]?[A-Za-z][A-Za-z’'-]*[.,;:?!)"'”’]*$/.test(t));
  if (words.length < 3 || words.length < tokens.length / 2) return false;
  const capitalised = /^["'“‘]?[A-Z][a-z’']*$/.test(tokens[0]?.replace(/[,:]$/, '') ?? '');
  return capitalised || /[.?!]["'”’)]?$/.test(text);
}

/** True when the node sits where its text is not read by a person (see the top). */
function exempt(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isThrowStatement(at)) return true;
    if (ts.isNewExpression(at)) {
      const name = at.expression.getText();
      if (/(Error|Failure|Failed)$/.test(name)) return true;
    }
    // `super(…)` in an error class: the message of a thrown developer error.
    if (ts.isCallExpression(at) && at.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const owner = ts.findAncestor(at, ts.isClassLike);
      const base = owner?.heritageClauses?.[0]?.types[0]?.expression.getText() ?? '';
      if (/(Error|Failure|Failed)$/.test(base)) return true;
    }
    // A default parameter of an error class's constructor: its message too.
    if (ts.isParameter(at) && ts.isConstructorDeclaration(at.parent)) {
      const base = at.parent.parent.heritageClauses?.[0]?.types[0]?.expression.getText() ?? '';
      if (/(Error|Failure|Failed)$/.test(base)) return true;
    }
    if (ts.isCallExpression(at) && ts.isPropertyAccessExpression(at.expression)) {
      const method = at.expression.name.text;
      const target = at.expression.expression.getText();
      if (LOG_METHODS.has(method) && /log|console/i.test(target)) return true;
    }
    // Types (`'a' | 'b'`), import specifiers and property names are never shown.
    if (ts.isLiteralTypeNode(at) || ts.isImportDeclaration(at) || ts.isExportDeclaration(at))
      return true;
    if ((ts.isFunctionLike(at) && !ts.isConstructorDeclaration(at)) || ts.isSourceFile(at))
      return false;
  }
  return false;
}

/** Every sentence-like literal in one file that is not exempt. */
function findSentences(fileName: string, source: string): Finding[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const found: Finding[] = [];
  const add = (node: ts.Node, text: string) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push({ file: fileName, line, text });
  };
  const visit = (node: ts.Node): void => {
    // Words written straight into a view's markup, even one ("Inbox"), are words a
    // person reads: they must come from the string tables.
    if (ts.isJsxText(node)) {
      const text = node.text.replace(/\s+/g, ' ').trim();
      if (/[A-Za-z]{2,}/.test(text)) add(node, text);
      return;
    }
    if (
      ts.isJsxAttribute(node) &&
      READ_ATTRIBUTES.has(node.name.getText()) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer) &&
      /[A-Za-z]{2,}/.test(node.initializer.text)
    ) {
      add(node, node.initializer.text);
      return;
    }
    const literal =
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node);
    if (
      literal &&
      !(node.parent && ts.isPropertyAssignment(node.parent) && node.parent.name === node)
    ) {
      const text = readable(node);
      if (readsAsSentence(text) && !exempt(node)) {
        const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push({ file: fileName, line, text });
      }
      if (ts.isTemplateExpression(node)) {
        for (const span of node.templateSpans) visit(span.expression);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The .ts/.tsx sources under a folder, tests and skipped folders left out. */
function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue;
      if (SKIPPED_FOLDERS.some((s) => relative(ROOT, path) === s)) continue;
      out.push(...sourcesUnder(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

function allFindings(): Finding[] {
  const findings: Finding[] = [];
  for (const folder of SCANNED) {
    for (const path of sourcesUnder(join(ROOT, folder))) {
      const file = relative(ROOT, path).split(sep).join('/');
      findings.push(...findSentences(file, readFileSync(path, 'utf8')));
    }
  }
  return findings;
}

describe('no user-facing English outside views/strings', () => {
  it('reads sentences and leaves identifiers alone', () => {
    expect(readsAsSentence('Enter a subject.')).toBe(true);
    expect(readsAsSentence('Your password must be at least x characters long. It has x.')).toBe(
      true,
    );
    expect(readsAsSentence('x could not be found.')).toBe(true);
    expect(readsAsSentence('<p>Your address book</p>')).toBe(true);
    expect(readsAsSentence('Your address book')).toBe(true);
    expect(readsAsSentence('too-many-files')).toBe(false);
    expect(readsAsSentence('SELECT id FROM accounts WHERE email = ?')).toBe(false);
    expect(readsAsSentence('text/plain; charset=utf-8')).toBe(false);
    expect(readsAsSentence('Auto-Submitted')).toBe(false);
  });

  it('finds words written into a view: markup text and the attributes people hear', () => {
    const source = [
      'const a = <h1>Inbox</h1>;',
      'const b = <button aria-label="Close" class="govuk-button">{s.close}</button>;',
      'const c = <p>{s.intro}</p>;',
      'const d = <img alt="" src="/logo.svg" />;',
    ].join('\n');
    expect(findSentences('x.tsx', source).map((f) => [f.line, f.text])).toEqual([
      [1, 'Inbox'],
      [2, 'Close'],
    ]);
  });

  it('finds a sentence in a page handler but not in a log line or a thrown error', () => {
    const source = [
      "logger.warn({ id }, 'The mail could not be sent today.');",
      "throw new Error('This should never happen here.');",
      "const notice = 'Your message has been sent.';",
      "type Code = 'Not a sentence at all';",
    ].join('\n');
    expect(findSentences('x.ts', source).map((f) => f.line)).toEqual([3]);
  });

  it('core/, adapters/, plugins/ and views/ (its string tables aside) hold no user-facing English', () => {
    const findings = allFindings().filter(
      (f) => !ALLOWED.some((a) => a.file === f.file && f.text.startsWith(a.startsWith)),
    );
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const report: string[] = [];
    for (const [file, found] of byFile) {
      if (found.length <= (PENDING[file] ?? 0)) continue;
      report.push(...found.map((f) => `${f.file}:${f.line}: ${JSON.stringify(f.text)}`));
    }
    expect(report, `${RULE}\n${report.join('\n')}`).toEqual([]);
  });

  it('the pending list only shrinks: a file with fewer sentences lowers its count', () => {
    const counts = new Map<string, number>();
    for (const f of allFindings()) counts.set(f.file, (counts.get(f.file) ?? 0) + 1);
    const stale = Object.entries(PENDING)
      .filter(([file, n]) => (counts.get(file) ?? 0) < n)
      .map(([file, n]) => `${file}: listed ${n}, holds ${counts.get(file) ?? 0}`);
    expect(stale).toEqual([]);
  });

  it('every allowlist entry still matches something (no stale entries)', () => {
    const findings = allFindings();
    const stale = ALLOWED.filter(
      (a) => !findings.some((f) => a.file === f.file && f.text.startsWith(a.startsWith)),
    );
    expect(stale).toEqual([]);
  });
});
