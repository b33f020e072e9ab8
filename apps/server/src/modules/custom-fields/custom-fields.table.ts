import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.table.ts';

export type CustomFieldOption = { value: string; label: string; color?: string };

/**
 * Per-workspace field definitions; values live in the `custom` JSONB column of the entity under `key`.
 * A deleted definition is only marked deleted, so its values stay in place and come back on restore.
 */
export const customFields = pgTable(
  'custom_fields',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    entity: text('entity', { enum: ['lead'] }).notNull().default('lead'),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', {
      enum: ['text', 'long_text', 'number', 'money', 'date', 'datetime', 'boolean', 'select', 'multi_select', 'phone', 'email', 'url', 'user'],
    }).notNull(),
    required: boolean('required').notNull().default(false),
    options: jsonb('options').$type<CustomFieldOption[]>().notNull().default([]),
    helpText: text('help_text'),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // Keys stay reserved after deletion: a new field must not inherit a deleted field's old values.
    uniqueIndex('custom_fields_key').on(t.workspaceId, t.entity, t.key),
    index('custom_fields_ws_idx').on(t.workspaceId, t.entity),
  ],
);
