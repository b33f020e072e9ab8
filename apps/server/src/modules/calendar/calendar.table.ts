import { pgTable, timestamp, uniqueIndex, uuid, text } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * A user's iCalendar feed token in one workspace (one at most): only its SHA-256 is stored. Rotating replaces it;
 * revoking deletes the row, so the old URL answers 404.
 */
export const calendarFeedTokens = pgTable(
  'calendar_feed_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('calendar_feed_tokens_hash_key').on(t.tokenHash), uniqueIndex('calendar_feed_tokens_ws_user_key').on(t.workspaceId, t.userId)],
);
