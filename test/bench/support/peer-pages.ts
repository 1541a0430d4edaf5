// The realistic peer's data and pages: what a plain server does for the same inbox and
// message pages without any encryption. Its table lives in Sealpost's own database
// file (SQLite, WAL), holds the same rows the pages show with the subject and body in
// plain text, and is read with one prepared better-sqlite3 statement per request; the
// page is a template string, padded to the size of Sealpost's page so both send the
// same bytes.

import Database from 'better-sqlite3';

/** One delivery as the peer stores it: what the inbox row and the message page show. */
export type PeerRow = {
  deliveryId: string;
  recipientId: string;
  senderName: string;
  subject: string;
  body: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  opened: boolean;
  attachments: number;
};

const TABLE = 'bench_peer_deliveries';

/** Creates the peer's table and its index (the inbox's order) and fills it in one transaction. */
export function writePeerTable(dbPath: string, rows: PeerRow[]): void {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE ${TABLE} (
      delivery_id TEXT PRIMARY KEY,
      recipient_id TEXT NOT NULL,
      sender_name TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      opened INTEGER NOT NULL,
      attachments INTEGER NOT NULL
    )`);
    db.exec(
      `CREATE INDEX ${TABLE}_inbox ON ${TABLE} (recipient_id, created_at DESC, delivery_id DESC)`,
    );
    const insert = db.prepare(
      `INSERT INTO ${TABLE} VALUES (@deliveryId, @recipientId, @senderName, @subject, @body, @createdAt, @opened, @attachments)`,
    );
    db.transaction(() => {
      for (const row of rows) insert.run({ ...row, opened: row.opened ? 1 : 0 });
    })();
  } finally {
    db.close();
  }
}

type InboxRow = Omit<PeerRow, 'body' | 'recipientId'>;

/** The two prepared statements a peer process runs, one per request. */
export type PeerQueries = {
  inbox(recipientId: string, page: number): InboxRow[];
  message(recipientId: string, deliveryId: string): PeerRow | undefined;
  close(): void;
};

export function openPeerQueries(dbPath: string): PeerQueries {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const columns = `delivery_id AS deliveryId, recipient_id AS recipientId, sender_name AS senderName,
    subject, created_at AS createdAt, opened, attachments`;
  const inbox = db.prepare(
    `SELECT ${columns} FROM ${TABLE} WHERE recipient_id = ?
     ORDER BY created_at DESC, delivery_id DESC LIMIT 25 OFFSET ?`,
  );
  const message = db.prepare(
    `SELECT ${columns}, body FROM ${TABLE} WHERE delivery_id = ? AND recipient_id = ?`,
  );
  return {
    inbox: (recipientId, page) => inbox.all(recipientId, (page - 1) * 25) as InboxRow[],
    message: (recipientId, deliveryId) =>
      message.get(deliveryId, recipientId) as PeerRow | undefined,
    close: () => db.close(),
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
const dates = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

function layout(title: string, main: string, pad: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} - Council</title><link rel="stylesheet" href="/static/app.css"></head><body><header class="site-header"><a href="/inbox" class="brand">Council secure messages</a><nav><a href="/inbox">Inbox</a><a href="/account">Your account</a><form method="post" action="/sign-out"><button>Sign out</button></form></nav></header><main id="main">${main}</main><footer>${pad}</footer></body></html>`;
}

/** The inbox page: 25 rows as a table, `pad` bytes of static layout to match Sealpost's size. */
export function renderInbox(rows: InboxRow[], page: number, pad: string): string {
  const body = rows
    .map(
      (row) =>
        `<tr class="${row.opened ? 'read' : 'unread'}"><td><a href="/inbox/${esc(row.deliveryId)}">${esc(row.subject)}</a></td><td>${esc(row.senderName)}</td><td><time datetime="${new Date(row.createdAt).toISOString()}">${dates.format(row.createdAt)}</time></td><td>${row.attachments > 0 ? `${row.attachments} files` : ''}</td></tr>`,
    )
    .join('');
  return layout(
    'Inbox',
    `<h1>Inbox</h1><table class="mailbox"><thead><tr><th>Subject</th><th>From</th><th>Received</th><th>Files</th></tr></thead><tbody>${body}</tbody></table><nav class="pages"><a href="?page=${page + 1}">Next page</a></nav>`,
    pad,
  );
}

/** The message page: subject, sender, date and the body's paragraphs. */
export function renderMessage(row: PeerRow, pad: string): string {
  const paragraphs = row.body
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replaceAll('\n', '<br>')}</p>`)
    .join('');
  return layout(
    row.subject,
    `<article><h1>${esc(row.subject)}</h1><p class="meta">From ${esc(row.senderName)}, <time datetime="${new Date(row.createdAt).toISOString()}">${dates.format(row.createdAt)}</time></p><div class="body">${paragraphs}</div><form method="post" action="/inbox/${esc(row.deliveryId)}/reply"><textarea name="body"></textarea><button>Reply</button></form></article>`,
    pad,
  );
}

/** Static filler of `bytes` bytes (a list of links, as a footer has). */
export function padding(bytes: number): string {
  const item = '<a href="/help/accessibility" class="footer-link">Accessibility</a>';
  const count = Math.max(0, Math.floor(bytes / item.length));
  return item.repeat(count) + ' '.repeat(Math.max(0, bytes - count * item.length));
}
