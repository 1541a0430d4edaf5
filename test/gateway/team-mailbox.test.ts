// Mail through the SMTP gateway to a team mailbox's address lands in the team's inbox
// (docs/decisions/0028): the team is an account like a colleague's, so the gateway
// delivers to it unchanged; and nobody can sign in to the gateway as the team.

import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { createTeamMailbox } from '../../core/mailboxes/teams.ts';
import { makeStaff } from '../factories.ts';
import { COUNCIL, openGatewayApp } from './support/gateway-app.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

describe('a team mailbox through the gateway', () => {
  it('receives a colleague’s secure mail in the team inbox', async () => {
    const gw = await openGatewayApp();
    cleanups.push(() => gw.close());
    const admin = makeStaff({ email: `admin@${COUNCIL}`, role: 'admin' });
    await gw.app.storage.repos.accounts.insert({ account: admin });
    const made = await createTeamMailbox(gw.app, {
      admin,
      email: `housing@${COUNCIL}`,
      name: 'Housing team',
      domains: { internalDomains: [COUNCIL], allowSubdomains: false },
      ip: null,
    });
    if (!made.ok) throw new Error(made.problems.join());

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.port });
    try {
      await transport.sendMail({
        from: `officer@${COUNCIL}`,
        to: `housing@${COUNCIL}`,
        subject: 'zixencrypt Case 42 handover',
        text: 'The case notes for the handover.',
      });
    } finally {
      transport.close();
    }
    const inbox = await gw.app.storage.repos.deliveries.listInbox({
      recipientId: made.mailbox.id,
      now: new Date(),
      includeExpired: false,
      limit: 25,
      offset: 0,
    });
    expect(inbox).toHaveLength(1);
    const sender = await gw.account(`officer@${COUNCIL}`);
    expect(inbox[0]?.message.senderId).toBe(sender?.id);
    // The team stays a mailbox: no password was given to it on the way.
    expect((await gw.account(`housing@${COUNCIL}`))?.passwordHash).toBeNull();
  });
});
