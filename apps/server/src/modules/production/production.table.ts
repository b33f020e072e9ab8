import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.table.ts';
import { tasks } from '../tasks/tasks.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A file attached to a production task; its bytes live in the file storage (platform/files) under `storage_key`. */
export const productionTaskFiles = pgTable(
  'production_task_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** Where the bytes are: `<workspaceId>/production/<fileId>` in the storage. */
    storageKey: text('storage_key').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('production_task_files_task_idx').on(t.workspaceId, t.taskId, t.createdAt)],
);
