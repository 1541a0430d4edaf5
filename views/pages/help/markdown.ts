import { HELP_TOPICS, type HelpTopicKey } from '../../strings/en/help.ts';
import type { Strings } from '../../strings/index.ts';

/** The file under docs/recipients/ that mirrors a help page (README.md for /help). */
export function helpDocFile(topic?: HelpTopicKey): string {
  return topic ? `${topic}.md` : 'README.md';
}

/**
 * A help page as Markdown, for docs/recipients/: the same words as the web page, so a
 * council can publish them on its own website. test/http/mailbox-help.test.ts checks
 * the files match; regenerate them with `helpMarkdown` when the strings change.
 */
export function helpMarkdown(strings: Strings, topic?: HelpTopicKey): string {
  const s = strings.help;
  const lines: string[] = [];
  if (!topic) {
    lines.push(`# ${s.title}`, '', s.intro, '', `## ${s.topicsHeading}`, '');
    for (const key of HELP_TOPICS) {
      lines.push(`- [${s.topics[key].title}](${helpDocFile(key)}): ${s.topics[key].summary}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const page = s.topics[topic];
  lines.push(`# ${page.title}`, '');
  for (const section of page.sections) {
    if (section.heading) lines.push(`## ${section.heading}`, '');
    for (const text of section.paragraphs) lines.push(text, '');
    if (section.list) {
      section.list.forEach((item, index) => {
        lines.push(`${index + 1}. ${item}`);
      });
      lines.push('');
    }
    for (const link of section.links ?? []) {
      lines.push(`${link.text}: the \`${link.href}\` page of the secure messages website.`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
