import type { MailLanguage, MailTemplates, RenderedMail } from '../../core/mail/ports.ts';
import { escapeHtml } from '../escape.ts';
import { hrefWithLang, type Lang, type Strings, stringsFor } from '../strings/index.ts';
import { deliveryReportBlock } from './delivery-report.ts';

/**
 * One language's part of an email: its subject, the lines of its text part and the
 * (escaped) paragraphs of its HTML part. The words come from `strings.emails`.
 */
export type MailBlock = { subject: string; text: string[]; html: string[] };

/** Builds one language's part of an email from that language's strings. */
type Build<A> = (s: Strings, lang: Lang, args: A) => MailBlock;

/** Between the Welsh and the English halves of a bilingual text part. */
const SEPARATOR = '- - - - - - - - - - - - - - - - - - - -';

/** "14:30" in UK time: the same in every language the portal speaks. */
const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/**
 * True while the English half of a bilingual email is built (see `renderIn`; the
 * builders are synchronous, so nothing else runs meanwhile).
 */
let englishHalf = false;

/**
 * A link as a reader of `lang` should get it: a Welsh email's links carry `lang=cy`,
 * so the page they open is Welsh before anyone signs in (no cookie remembers it). In a
 * bilingual email the English half's links carry `lang=en`: which half the person
 * followed is their choice, kept with their account when they register or sign in, so
 * their later emails come in that language alone.
 */
function linkIn(lang: Lang, link: string): string {
  if (lang === 'en') return englishHalf ? hrefWithLang(link, 'en') : link;
  return hrefWithLang(link, lang);
}

function a(href: string, words: string): string {
  return `<p><a href="${escapeHtml(href)}">${escapeHtml(words)}</a></p>`;
}

function p(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

/** Lines with a blank line between each. */
function spaced(lines: string[]): string[] {
  return lines.flatMap((line, i) => (i === 0 ? [line] : ['', line]));
}

/**
 * The whole email in `language`: one language's block, or for `en+cy` the Welsh block
 * then the English one (Welsh first: Welsh Language Standards), with the subject
 * "Welsh / English" and the English half of the HTML marked `lang="en"`.
 */
export function renderIn(language: MailLanguage, build: (lang: Lang) => MailBlock): RenderedMail {
  if (language !== 'en+cy') {
    const block = build(language);
    return {
      subject: block.subject,
      text: block.text.join('\n'),
      html: htmlPage(language, block.html),
    };
  }
  const cy = build('cy');
  englishHalf = true;
  let en: MailBlock;
  try {
    en = build('en');
  } finally {
    englishHalf = false;
  }
  return {
    subject: `${cy.subject} / ${en.subject}`,
    text: [...cy.text, '', SEPARATOR, '', ...en.text].join('\n'),
    html: htmlPage('cy', [...cy.html, '<hr>', '<div lang="en">', ...en.html, '</div>']),
  };
}

/** A minimal HTML email around `parts` (already escaped), in `lang`. */
function htmlPage(lang: Lang, parts: string[]): string {
  return [`<!doctype html><html lang="${lang}"><body>`, ...parts, '</body></html>'].join('\n');
}

/** A template method from a builder of one language's block. */
function template<A>(build: Build<A>): (args: A, language: MailLanguage) => RenderedMail {
  return (args, language) => renderIn(language, (lang) => build(stringsFor(lang), lang, args));
}

const notification: Build<Parameters<MailTemplates['notification']>[0]> = (
  { emails: s },
  lang,
  { orgName, senderName, link, publicUrl },
) => {
  const href = linkIn(lang, link);
  const intro = s.notification.intro(senderName, orgName);
  const firstTime = s.notification.firstTime(publicUrl);
  const genuine = s.notification.genuine(publicUrl, orgName);
  return {
    subject: s.notification.subject(orgName),
    text: [intro, '', s.notification.openLink, href, '', firstTime, '', genuine],
    html: [p(intro), a(href, s.notification.linkText), p(firstTime), p(genuine)],
  };
};

const accessRequested: Build<Parameters<MailTemplates['accessRequested']>[0]> = (
  { emails: s },
  lang,
  { orgName, requesterEmail, kind, link },
) => {
  const href = linkIn(lang, link);
  const asked = s.accessRequested.asked[kind](requesterEmail);
  return {
    subject: s.accessRequested.subject(orgName),
    text: [asked, '', s.accessRequested.decideHere(href)],
    html: [p(asked), a(href, s.accessRequested.linkText)],
  };
};

const mailboxInvitation: Build<Parameters<MailTemplates['mailboxInvitation']>[0]> = (
  { emails: s },
  lang,
  { orgName, mailboxEmail, link, registered, publicUrl, linkDays },
) => {
  const m = s.mailboxInvitation;
  const href = linkIn(lang, link);
  const lines = [
    m.intro(mailboxEmail, orgName),
    registered ? m.registered(publicUrl) : m.notRegistered(linkDays),
    m.ignore,
    m.genuine(publicUrl),
  ];
  return {
    subject: m.subject(mailboxEmail, orgName),
    text: [lines[0], '', lines[1], '', href, '', lines[2], '', lines[3]].map((l) => l ?? ''),
    html: [
      p(lines[0] ?? ''),
      p(lines[1] ?? ''),
      a(href, registered ? m.linkTextRegistered : m.linkText),
      p(lines[2] ?? ''),
      p(lines[3] ?? ''),
    ],
  };
};

const accessDecision: Build<Parameters<MailTemplates['accessDecision']>[0]> = (
  { emails: s },
  lang,
  { orgName, granted, accessEndsAt, link },
) => {
  const d = s.accessDecision;
  const href = linkIn(lang, link);
  const sentence = granted
    ? [d.granted(orgName), accessEndsAt ? d.until(accessEndsAt, clock.format(accessEndsAt)) : '']
        .filter((part) => part !== '')
        .join(' ')
    : d.refused(orgName);
  return {
    subject: granted ? d.subjectGranted(orgName) : d.subjectRefused(orgName),
    text: granted ? [sentence, '', d.openHere(href)] : [sentence],
    html: granted ? [p(sentence), a(href, d.linkText)] : [p(sentence)],
  };
};

const emailCode: Build<Parameters<MailTemplates['emailCode']>[0]> = (
  { emails: s },
  _lang,
  { orgName, code, purpose, minutes, publicUrl },
) => {
  const lines = [
    s.emailCode.why[purpose],
    s.emailCode.code(code, minutes),
    s.emailCode.nobodyAsks,
    s.genuineCode(publicUrl, orgName),
  ];
  return {
    subject: s.emailCode.subject(orgName, code),
    text: spaced(lines),
    html: lines.map(p),
  };
};

const lockout: Build<Parameters<MailTemplates['lockout']>[0]> = (
  { emails: s },
  lang,
  { orgName, link, publicUrl, lockedMinutes, linkMinutes },
) => {
  const l = s.lockout;
  const href = linkIn(lang, link);
  const locked = l.locked(orgName, lockedMinutes);
  const ifYou = l.ifYou(linkMinutes);
  const genuine = s.genuine(publicUrl, orgName);
  return {
    subject: l.subject(orgName),
    text: [locked, '', ifYou, href, '', l.notYou, '', genuine],
    html: [p(locked), p(ifYou), a(href, l.linkText), p(l.notYou), p(genuine)],
  };
};

const reset: Build<Parameters<MailTemplates['reset']>[0]> = (
  { emails: s },
  lang,
  { orgName, link, publicUrl, linkMinutes },
) => {
  const r = s.reset;
  const href = linkIn(lang, link);
  const asked = r.asked(orgName);
  const openLink = r.openLink(linkMinutes);
  const genuine = s.genuine(publicUrl, orgName);
  return {
    subject: r.subject(orgName),
    text: [asked, '', openLink, href, '', r.notYou, '', genuine],
    html: [p(asked), p(openLink), a(href, r.linkText), p(r.notYou), p(genuine)],
  };
};

const secondFactorChanged: Build<Parameters<MailTemplates['secondFactorChanged']>[0]> = (
  { emails: s },
  lang,
  { orgName, change, publicUrl },
) => {
  const f = s.secondFactorChanged;
  const what = f.what[change];
  const lines = [
    f.intro(what, orgName),
    f.now[change],
    change === 'reset'
      ? f.ifResetNotAsked(orgName)
      : f.ifNotYou(linkIn(lang, `${publicUrl}/sign-in`), orgName),
    f.noLink,
  ];
  return {
    subject: f.subject(what, orgName),
    text: spaced(lines),
    html: lines.map(p),
  };
};

const setPassword: Build<Parameters<MailTemplates['setPassword']>[0]> = (
  { emails: s },
  lang,
  { orgName, name, link, publicUrl, linkDays },
) => {
  const w = s.setPassword;
  const href = linkIn(lang, link);
  const hello = w.hello(name);
  const made = w.madeAccount(orgName);
  const openLink = w.openLink(linkDays);
  const genuine = s.genuine(publicUrl, orgName);
  return {
    subject: w.subject(orgName),
    text: [hello, '', made, '', openLink, href, '', genuine],
    html: [p(hello), p(made), p(openLink), a(href, w.linkText), p(genuine)],
  };
};

const unretrieved: Build<Parameters<MailTemplates['unretrieved']>[0]> = (
  { emails: s },
  lang,
  { orgName, recipients, sentAt, days, deleted, link },
) => {
  const u = s.unretrieved;
  const href = linkIn(lang, link);
  const opening = u.opening(sentAt, recipients.join(', '), days);
  const outcome = deleted ? u.deleted(orgName) : u.kept;
  return {
    subject: u.subject(sentAt),
    text: [opening, '', outcome, '', u.seeWho, href],
    html: [p(opening), p(outcome), a(href, u.linkText)],
  };
};

/**
 * A reply delivered into a staff member's mailbox. The reply itself is written once,
 * after the words around it (after both halves of a bilingual email).
 */
function internalDelivery(
  args: Parameters<MailTemplates['internalDelivery']>[0],
  language: MailLanguage,
): RenderedMail {
  const { orgName, senderName, senderEmail, subject, body, attachmentNames, link } = args;
  const from = `${senderName} <${senderEmail}>`;
  const around = (lang: Lang) => {
    const w = stringsFor(lang).emails.internalDelivery;
    const href = linkIn(lang, link);
    const files = attachmentNames.length === 0 ? null : w.attachments(attachmentNames.join(', '));
    return { w, href, files, intro: w.intro(from, orgName), subject: w.subject(subject) };
  };
  // The reply is shown as text whatever its format: nothing in it runs or loads.
  const content = { text: body, html: `<pre>${escapeHtml(body)}</pre>` };
  if (language !== 'en+cy') {
    const { w, href, files, intro, subject: line } = around(language);
    return {
      subject: line,
      text: [intro, '', content.text, ...(files ? ['', files] : []), '', w.inPortal(href)].join(
        '\n',
      ),
      html: htmlPage(language, [
        p(intro),
        content.html,
        ...(files ? [p(files)] : []),
        a(href, w.linkText),
      ]),
    };
  }
  const block = (lang: Lang): MailBlock => {
    const { w, href, files, intro, subject: line } = around(lang);
    return {
      subject: line,
      text: [intro, ...(files ? ['', files] : []), '', w.inPortal(href)],
      html: [p(intro), ...(files ? [p(files)] : []), a(href, w.linkText)],
    };
  };
  const both = renderIn('en+cy', block);
  return {
    subject: both.subject,
    text: `${both.text}\n\n${SEPARATOR}\n\n${content.text}`,
    html: both.html.replace('</body></html>', `<hr>\n${content.html}\n</body></html>`),
  };
}

/**
 * Sealpost's emails in the language each is sent in (`MailLanguage`): English, Welsh,
 * or both in one. The notification never carries content: a generic subject, who sent
 * it, the link, and how to check the email is genuine.
 */
export const mailTemplates: MailTemplates = {
  notification: template(notification),
  accessRequested: template(accessRequested),
  mailboxInvitation: template(mailboxInvitation),
  accessDecision: template(accessDecision),
  emailCode: template(emailCode),
  lockout: template(lockout),
  reset: template(reset),
  secondFactorChanged: template(secondFactorChanged),
  setPassword: template(setPassword),
  unretrieved: template(unretrieved),
  internalDelivery,
  deliveryReport: (args, language) => {
    const rendered = renderIn(language, (lang) =>
      deliveryReportBlock(stringsFor(lang), lang, args),
    );
    // A delivery report is plain text only: its other parts are the machine-readable ones.
    return { ...rendered, html: '' };
  },
};
