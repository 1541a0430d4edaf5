import { describe, expect, it } from 'vitest';
import type { InboundMail, Policy, PolicyDecision } from '../../core/gateway/ports.ts';

/** An ordinary inbound mail; `over` replaces any field. */
export function inboundMail(over: Partial<InboundMail> = {}): InboundMail {
  return {
    from: 'officer@barnet.gov.uk',
    to: ['resident@example.org'],
    subject: 'Your housing application',
    headers: {
      subject: ['Your housing application'],
      from: ['Olive Officer <officer@barnet.gov.uk>'],
    },
    text: 'Dear resident,\nPlease find the letter attached.\nOlive',
    attachments: [
      {
        name: 'letter.pdf',
        contentType: 'application/pdf',
        size: 2048,
        text: 'A letter.',
        unreadable: false,
      },
    ],
    ...over,
  };
}

/**
 * Mail a policy must judge without throwing: what real gateways see at the edges.
 * Each is named for the test title.
 */
export function oddMails(): Array<[string, InboundMail]> {
  const huge = 'Subject words '.repeat(75_000);
  return [
    ['an empty subject', inboundMail({ subject: '', headers: { subject: [''] } })],
    ['no Subject header at all', inboundMail({ subject: '', headers: {} })],
    ['no body and no files', inboundMail({ text: '', attachments: [] })],
    ['the null sender and no recipients', inboundMail({ from: '', to: [] })],
    ['a 1 MB subject', inboundMail({ subject: huge, headers: { subject: [huge] } })],
    [
      'text that is not well-formed Unicode',
      inboundMail({
        subject: 'Bad \ud800 surrogate \udfff and \u0000 NUL \u202e RTL \ufffd',
        text: `\ud83d lone half, \u0000\u0001\u001b[31m control, \ufeff BOM, ${'\u0301'.repeat(500)} marks`,
      }),
    ],
    [
      'bytes read as Latin-1 (mojibake)',
      inboundMail({
        subject: 'CafÃ© â€“ Ã¢',
        text: Buffer.from('Caf\xe9 \xa3100', 'latin1').toString('latin1'),
      }),
    ],
    [
      'full-width and look-alike digits',
      inboundMail({ text: 'Ref ０１２３４５６７８９ and ٠١٢٣٤٥٦٧٨٩ and 𝟎𝟏𝟐𝟑' }),
    ],
    ['a 2 MB body of digits', inboundMail({ text: '0123456789 '.repeat(190_000) })],
    [
      'a thousand attachments',
      inboundMail({
        attachments: Array.from({ length: 1000 }, (_, i) => ({
          name: `scan-${i}.png`,
          contentType: 'image/png',
          size: i,
          text: i % 3 === 0 ? `page ${i}` : null,
          unreadable: i % 97 === 0,
        })),
      }),
    ],
    [
      'files with odd names and no text',
      inboundMail({
        attachments: [
          { name: '', contentType: '', size: 0, text: null, unreadable: false },
          {
            name: '../../etc/passwd',
            contentType: 'application/octet-stream',
            size: 0,
            text: '',
            unreadable: true,
          },
          {
            name: 'ŵ\u202egpj.exe',
            contentType: 'text/plain; charset=x-unknown',
            size: 1,
            text: '\u0000',
            unreadable: false,
          },
        ],
      }),
    ],
    [
      'many headers with many values',
      inboundMail({
        headers: Object.fromEntries(
          Array.from({ length: 200 }, (_, i) => [
            `x-h-${i}`,
            Array.from({ length: 20 }, () => `v${i}`),
          ]),
        ),
      }),
    ],
    [
      'headers that disagree with the subject',
      inboundMail({
        subject: 'One',
        headers: { subject: ['Two', 'Three'], msip_labels: ['MSIP_Label_x_Enabled=true;', ''] },
      }),
    ],
  ];
}

const ACTIONS = new Set(['encrypt', 'relay', 'reject', 'abstain']);

/** The decision follows PolicyDecision to the letter, and each word in it is one short line. */
export function expectWellFormedDecision(decision: PolicyDecision): void {
  expect(decision).toBeTypeOf('object');
  expect(ACTIONS.has(decision.action)).toBe(true);
  expect(Array.isArray(decision.reasons)).toBe(true);
  for (const reason of decision.reasons) {
    expect(reason).toBeTypeOf('string');
    // Reasons go to the log and the audit trail: one line, never a whole mail.
    expect(reason).not.toMatch(/[\r\n]/);
    expect(reason.length).toBeLessThanOrEqual(500);
  }
  if (decision.action === 'reject') {
    // The message is the SMTP reply the sender sees: one line of words.
    expect(decision.message).toBeTypeOf('string');
    expect(decision.message.trim()).not.toBe('');
    expect(decision.message).not.toMatch(/[\r\n]/);
  }
  if (decision.action === 'encrypt' && decision.subject !== undefined) {
    expect(decision.subject).toBeTypeOf('string');
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the policy took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of the policy suite. */
export type PolicyContractOptions = {
  /**
   * Mails this policy is known to act on (not abstain), with what it does: checked
   * to be well-formed and deterministic too, so the suite exercises the deciding path.
   */
  deciding?: Array<{ mail: InboundMail; action: PolicyDecision['action'] }>;
  /** Longest one evaluation may take, even for the largest odd mail (default 10 s). */
  timeoutMs?: number;
};

/**
 * The promises every Policy (core/gateway/ports.ts) keeps: a short name; decisions
 * exactly of the PolicyDecision shape with one-line reasons (they reach the audit log)
 * and a one-line reject message (it becomes the SMTP reply); the same decision for the
 * same mail every time, and whether other mails were judged in between or at once; the
 * mail is never changed; and odd mail (empty, huge, broken Unicode, a thousand files)
 * gets an answer in good time, never a throw, since a throw makes the gateway defer
 * every such mail.
 */
export function policyContract(
  name: string,
  create: () => Policy | Promise<Policy>,
  options: PolicyContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const evaluate = (policy: Policy, mail: InboundMail) =>
    within(timeoutMs, policy.evaluate({ mail }));

  describe(`Policy contract: ${name}`, () => {
    it('has a short name fit for logs and the audit trail', async () => {
      const policy = await create();
      expect(policy.name).toBeTypeOf('string');
      expect(policy.name).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/i);
    });

    it('decides an ordinary mail with a well-formed decision', async () => {
      const policy = await create();
      expectWellFormedDecision(await evaluate(policy, inboundMail()));
    });

    it.each(oddMails())(
      'answers mail with %s: well-formed, in good time, never a throw',
      async (_what, mail) => {
        const policy = await create();
        const first = await evaluate(policy, deepFreeze(mail));
        expectWellFormedDecision(first);
      },
      60_000,
    );

    it.each((options.deciding ?? []).map(({ mail, action }) => [action, mail] as const))(
      'decides %s on a mail it is meant to act on',
      async (action, mail) => {
        const policy = await create();
        const decision = await evaluate(policy, mail);
        expectWellFormedDecision(decision);
        expect(decision.action).toBe(action);
      },
    );

    it('gives the same decision for the same mail, every time and whatever came between', async () => {
      const policy = await create();
      const mails = [
        inboundMail(),
        ...oddMails()
          .filter(([what]) => !/MB|thousand/.test(what))
          .map(([, mail]) => mail),
        ...(options.deciding ?? []).map((d) => d.mail),
      ];
      const first = [];
      for (const mail of mails) first.push(await evaluate(policy, mail));
      // Again in reverse, on copies: no state carried from one mail to the next.
      const again = [];
      for (const mail of [...mails].reverse())
        again.unshift(await evaluate(policy, structuredClone(mail)));
      expect(again).toEqual(first);
      // And all at once, as the gateway does with parallel connections.
      expect(
        await Promise.all(mails.map((mail) => evaluate(policy, structuredClone(mail)))),
      ).toEqual(first);
      // A second instance built from the same settings agrees.
      const other = await create();
      const fromOther = [];
      for (const mail of mails) fromOther.push(await evaluate(other, mail));
      expect(fromOther).toEqual(first);
    });

    it('never changes the mail it is given', async () => {
      const policy = await create();
      for (const mail of [inboundMail(), ...(options.deciding ?? []).map((d) => d.mail)]) {
        const before = structuredClone(mail);
        // A frozen mail makes any write throw, which the policy must not swallow into a verdict.
        await evaluate(policy, deepFreeze(structuredClone(mail)));
        await evaluate(policy, mail);
        expect(mail).toEqual(before);
      }
    });
  });
}
