import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Dev outbox: without SMTP configured, mail lands here so owners can read it in the app. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('mail_outbox_to_idx').on(t.toAddress), index('mail_outbox_ws_idx').on(t.workspaceId)],
);
