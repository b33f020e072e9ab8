import { z } from 'zod';
import { isoDateTime as isoDateTimeIn } from './dates.ts';
import { TASK_PRIORITIES } from './tasks.ts';

/** Columns of the production board (ADR 021). `done` is exactly the done tasks; the others are open ones. */
export const PRODUCTION_COLUMNS = ['todo', 'doing', 'review', 'done'] as const;
export type ProductionColumn = (typeof PRODUCTION_COLUMNS)[number];
export const OPEN_PRODUCTION_COLUMNS = ['todo', 'doing', 'review'] as const;

/** Largest attachment accepted (bytes). */
export const PRODUCTION_FILE_MAX_BYTES = 20 * 1024 * 1024;
/** At most this many files on one task. */
export const PRODUCTION_FILES_PER_TASK = 50;
/** Content types an attachment may have; the first bytes must agree with the type where it has a signature. */
export const PRODUCTION_FILE_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

const isoDateTime = isoDateTimeIn();
const uuid = z.uuid({ message: 'Must be a UUID' });
const column = z.enum(PRODUCTION_COLUMNS, { message: `One of: ${PRODUCTION_COLUMNS.join(', ')}` });
const priority = z.enum(TASK_PRIORITIES, { message: `One of: ${TASK_PRIORITIES.join(', ')}` });

/** GET /production/board: the workspace's board, or one client's (`leadId`), narrowed by assignee and priority. */
export const productionBoardQuery = z.strictObject({
  leadId: uuid.optional(),
  assigneeId: uuid.optional(),
  priority: priority.optional(),
  /** Cards per column in the first page. */
  limit: z.coerce.number().int().min(1, { message: 'At least 1' }).max(200, { message: 'At most 200' }).default(50),
});

/** GET /production/board/columns/:column: the next page of one column. */
export const productionColumnQuery = productionBoardQuery.extend({
  cursor: z.string().regex(/^-?\d{1,19}_[0-9a-f-]{36}$/i, { message: 'Invalid cursor' }).optional(),
});

export const productionCard = z.object({
  id: z.string(),
  title: z.string(),
  priority: priority,
  column: column,
  /** The open column it returns to when reopened (equals column while open). */
  openColumn: z.enum(OPEN_PRODUCTION_COLUMNS),
  position: z.number(),
  dueAt: z.string(),
  allDay: z.boolean(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  lead: z.object({ id: z.string(), name: z.string() }).nullable(),
  description: z.string().nullable(),
  fileCount: z.number(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ProductionCard = z.infer<typeof productionCard>;

export const productionColumnPage = z.object({
  column: column,
  count: z.number(),
  items: z.array(productionCard),
  /** Pass as `cursor` to GET /production/board/columns/:column; null at the end. */
  nextCursor: z.string().nullable(),
});
export type ProductionColumnPage = z.infer<typeof productionColumnPage>;

export const productionBoard = z.object({ columns: z.array(productionColumnPage) });
export type ProductionBoard = z.infer<typeof productionBoard>;

export const createProductionTaskRequest = z.strictObject({
  title: z.string().trim().min(1, { message: 'Give the task a title' }).max(200),
  priority: priority.default('normal'),
  dueAt: isoDateTime,
  allDay: z.boolean().default(false),
  /** Default: the member creating it; any active member of the workspace. */
  assigneeId: uuid.optional(),
  /** The client (a won lead) it is for. */
  leadId: uuid.nullable().default(null),
  description: z.string().max(10_000).nullable().default(null),
  /** The column it starts in (top of it). */
  column: z.enum(OPEN_PRODUCTION_COLUMNS, { message: 'One of: todo, doing, review' }).default('todo'),
});

/** Only what changes; `version` (from the card) refuses a stale edit with 409. */
export const updateProductionTaskRequest = z.strictObject({
  title: z.string().trim().min(1, { message: 'Give the task a title' }).max(200).optional(),
  priority: priority.optional(),
  dueAt: isoDateTime.optional(),
  allDay: z.boolean().optional(),
  assigneeId: uuid.nullable().optional(),
  leadId: uuid.nullable().optional(),
  description: z.string().max(10_000).nullable().optional(),
  version: z.int({ message: 'A whole number' }).min(1),
});

/**
 * A drag: the target column and the neighbours where the card lands — `afterId` the card right above it, `beforeId`
 * the card right below it; neither puts it on top. Moving to done completes the task, out of done reopens it.
 */
export const moveProductionTaskRequest = z.strictObject({
  column: column,
  afterId: uuid.nullable().default(null),
  beforeId: uuid.nullable().default(null),
  version: z.int({ message: 'A whole number' }).min(1),
});

export const moveProductionTaskResponse = z.object({
  card: productionCard,
  /** The column was renumbered to make room: reload it. */
  renumbered: z.boolean(),
});

export const productionFile = z.object({
  id: z.string(),
  taskId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number(),
  uploadedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
});
export type ProductionFile = z.infer<typeof productionFile>;
export const productionFileList = z.object({ items: z.array(productionFile) });

/** GET /production/clients: clients (won leads) to pick a board, with their open production tasks. */
export const productionClientsQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
});
export const productionClient = z.object({ id: z.string(), name: z.string(), clientSince: z.string().nullable(), openTasks: z.number() });
export const productionClientList = z.object({ items: z.array(productionClient) });
export type ProductionClient = z.infer<typeof productionClient>;

/** GET /production/members: active members a production task can be assigned to. */
export const productionMemberList = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });
