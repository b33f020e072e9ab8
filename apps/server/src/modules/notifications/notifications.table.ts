import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * One row per notification of one user in one workspace (ADR 014). `dedupe_key` names the thing that caused it
 * (an event, an assignment, a reminder slot): every app instance hears every bus event, and only the instance whose
 * insert wins delivers (push, email), so one cause gives one notification however many instances run.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** Parameters of the title and body (lead name, who, when); the texts are rendered in the reader's language. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    linkKind: text('link_kind', { enum: ['lead', 'task', 'message'] }),
    linkId: text('link_id'),
    dedupeKey: text('dedupe_key').notNull(),
    /** False when the user turned the in-app channel off for this type: kept only so the cause is not delivered twice. */
    inApp: boolean('in_app').notNull().default(true),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Set when the email of this notification was handed to the mailer. */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notifications_user_dedupe_key').on(t.workspaceId, t.userId, t.dedupeKey),
    index('notifications_ws_user_created_idx').on(t.workspaceId, t.userId, t.createdAt, t.id).where(sql`in_app`),
    index('notifications_ws_user_unread_idx').on(t.workspaceId, t.userId).where(sql`in_app AND read_at IS NULL`),
  ],
);

/** Per user and workspace: which channels each type uses, and quiet hours (no desktop alert, sound or email). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Only the types the user changed; the rest use the defaults. */
    channels: jsonb('channels').$type<Record<string, { inApp: boolean; desktop: boolean; email: boolean }>>().notNull().default({}),
    quietHours: jsonb('quiet_hours').$type<{ enabled: boolean; start: string; end: string }>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);
