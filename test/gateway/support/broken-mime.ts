/** Makes every line end in CRLF, as mail arrives at the gateway. */
export const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

/** A broken mail as seen in the wild, and the sentence a person wrote in it. */
export type BrokenSample = { name: string; raw: Buffer; text: string };

const headers = (subject: string) =>
  `From: Jo Bloggs <jo@council.test>
To: resident@example.org
Subject: zixencrypt ${subject}
Message-ID: <${subject.replace(/\W+/g, '-')}@council.test>
MIME-Version: 1.0
`;

/**
 * Real-world MIME damage that mailparser reads "successfully" while dropping the text:
 * each sample holds one sentence that a recipient must still be shown.
 */
export const BROKEN_SAMPLES: BrokenSample[] = [
  {
    name: 'a nested alternative whose boundary its parts do not use, beside a file',
    text: 'The assessment is attached; please read it before Friday.',
    raw: crlf(`${headers('nested wrong boundary')}Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message in MIME format.
--outer
Content-Type: multipart/alternative; boundary="declared-inner"

--actual-inner
Content-Type: text/plain; charset=utf-8

The assessment is attached; please read it before Friday.
--actual-inner--
--outer
Content-Type: application/pdf; name="assessment.pdf"
Content-Disposition: attachment; filename="assessment.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+
--outer--
`),
  },
  {
    name: 'a boundary the parts do not use',
    text: 'Your council tax reference is CT-4471.',
    raw: crlf(`${headers('wrong boundary')}Content-Type: multipart/mixed; boundary="declared-boundary"

--actual-boundary
Content-Type: text/plain; charset=utf-8

Your council tax reference is CT-4471.
--actual-boundary--
`),
  },
  {
    name: 'a multipart with no boundary parameter',
    text: 'The housing panel meets on Tuesday.',
    raw: crlf(`${headers('no boundary')}Content-Type: multipart/mixed

--b1
Content-Type: text/plain; charset=utf-8

The housing panel meets on Tuesday.
--b1--
`),
  },
  {
    name: 'an empty boundary',
    text: 'Please bring two forms of identification.',
    raw: crlf(`${headers('empty boundary')}Content-Type: multipart/mixed; boundary=""

--
Content-Type: text/plain; charset=utf-8

Please bring two forms of identification.
----
`),
  },
  {
    name: 'a body run into the headers (no blank line)',
    text: 'Dear resident, your parking permit is renewed.',
    raw: crlf(`${headers('run on')}Content-Type: text/plain; charset=utf-8
Dear resident, your parking permit is renewed.
Kind regards, Parking Services
`),
  },
  {
    name: 'text after the closing boundary (an epilogue)',
    text: 'This confidentiality notice was appended by the mail server.',
    raw: crlf(`${headers('epilogue')}Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The first paragraph arrives.
--b1--
This confidentiality notice was appended by the mail server.
`),
  },
  {
    name: 'a mail cut off before its closing boundary',
    text: 'The assessment visit is booked for Monday.',
    raw: crlf(`${headers('cut off')}Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The assessment visit is booked for Monday.
--b1
Content-Type: text/plain; charset=utf-8

The second part was cut off
`),
  },
  {
    name: 'a part whose Content-Type has no subtype',
    text: 'The school transport form is enclosed.',
    raw: crlf(`${headers('part without subtype')}Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text

The school transport form is enclosed.
--b1--
`),
  },
  {
    name: 'a mail whose Content-Type has no subtype',
    text: 'The bin collection moves to Thursday.',
    raw: crlf(`${headers('top without subtype')}Content-Type: text

The bin collection moves to Thursday.
`),
  },
  {
    name: 'a multipart with no parts at all',
    text: 'The text sits here without any part.',
    raw: crlf(`${headers('no parts')}Content-Type: multipart/mixed; boundary="b1"

The text sits here without any part.
`),
  },
];
