import type { Settings } from '../settings/model.ts';
import type { AcceptMailDeps, AcceptOutcome } from './accept-mail.ts';
import { queueDeliveryReport } from './delivery-report.ts';
import type { ReceivedMail } from './ports.ts';

/**
 * What relaying did: the mail reached at least one recipient (`unreached` says how many
 * the relay refused and whether the sender was sent a report), or an outcome to answer
 * with instead of a 250.
 */
export type RelayDone =
  | { ok: true; relayed: number; unreached: { count: number; reported: boolean } | null }
  | { ok: false; outcome: AcceptOutcome };

/**
 * Relays the mail to `to`, mapping the relay's answer to an outcome.
 *
 * The relay may refuse some recipients and take the mail for the others. Those are
 * never dropped silently: the sender gets a delivery status notification (RFC 3464)
 * naming each of them with the relay's own answer, queued in the outbox before the
 * 250, and the 250 says so. A temporary refusal (4xx) of one recipient is reported the
 * same way (Action: failed, Status 4.x.x, "send it to them again"), because answering
 * 4xx for the whole mail would make the client send it again to everyone the relay
 * already took it for, and the gateway keeps no copy to retry on its own.
 * When the relay refuses every recipient, the mail is refused as a whole (550, or 451
 * if any refusal was temporary) and the client reports it as it always does.
 */
export async function relayMail(
  deps: AcceptMailDeps,
  mail: ReceivedMail,
  to: string[],
  afterSecure: boolean,
  /** The council's `emailLanguage`, for a delivery report to a sender who chose none. */
  emailLanguage?: Settings['emailLanguage'] | undefined,
): Promise<RelayDone> {
  if (!deps.relay) {
    return {
      ok: false,
      outcome: {
        kind: 'rejected',
        code: 550,
        refusal: { reason: 'no-relay' },
      },
    };
  }
  const arrivedAt = deps.clock.now();
  const result = await deps.relay.send({
    from: mail.envelopeFrom,
    to,
    raw: mail.raw,
    ...(mail.envelopeParams ? { params: mail.envelopeParams } : {}),
  });
  if (result.ok) {
    if (result.refused.length === 0) return { ok: true, relayed: to.length, unreached: null };
    const reported = await queueDeliveryReport(deps, {
      mail,
      refused: result.refused,
      arrivedAt,
      emailLanguage,
    });
    return {
      ok: true,
      relayed: to.length - result.refused.length,
      unreached: { count: result.refused.length, reported },
    };
  }
  if (!result.permanent) {
    return {
      ok: false,
      outcome: {
        kind: 'deferred',
        code: 451,
        refusal: { reason: 'relay-unavailable', detail: result.reason },
      },
    };
  }
  return {
    ok: false,
    outcome: {
      kind: 'rejected',
      code: 550,
      refusal: { reason: 'relay-refused', detail: result.reason, afterSecure },
    },
  };
}
