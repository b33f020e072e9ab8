import type { EXPORT_COLUMN_TYPES } from '@leadflow/shared/exports';

/**
 * What a workspace export holds: one CSV per entity, each read page by page in key order (keyset pagination) and
 * scoped to the workspace by its `where`. Every column is read as text by PostgreSQL so both engines write the same
 * bytes: timestamps as ISO 8601 UTC with milliseconds, lists and objects as JSON, booleans as true/false.
 *
 * Left out on purpose: secrets and credentials (password hashes, TOTP seeds, sessions, API keys, integration tokens,
 * invitation tokens, calendar feed tokens), notifications, job and throttle bookkeeping, raw import rows, counters
 * the database rebuilds (assignment counts, open leads per owner, rotation pointers). Production attachments are
 * listed (name, type, size) but their bytes stay in file storage.
 */

export type ColumnType = (typeof EXPORT_COLUMN_TYPES)[number];

export type ExportColumnSpec = { name: string; type: ColumnType; sql: string };

export type KeyPart = { sql: string; type: 'uuid' | 'bigint' };

export type EntitySpec = {
  file: string;
  entity: string;
  /** FROM clause; the first table is aliased t. */
  from: string;
  /** Conditions with $1 as the workspace id. */
  where: string;
  key: KeyPart[];
  columns: ExportColumnSpec[];
};

/** How a column is read as text. */
export function textOf(type: ColumnType, expr: string): string {
  switch (type) {
    case 'timestamp':
      return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'text':
      return expr;
    default:
      return `(${expr})::text`;
  }
}

type Col = [name: string, type: ColumnType, expr?: string];

function cols(list: Col[]): ExportColumnSpec[] {
  return list.map(([name, type, expr]) => ({ name, type, sql: textOf(type, expr ?? `t.${name}`) }));
}

/** A PostgreSQL array as a JSON array. */
const jsonArray = (column: string): string => `to_jsonb(t.${column})`;

const byId: KeyPart[] = [{ sql: 't.id', type: 'uuid' }];
const bySerial: KeyPart[] = [{ sql: 't.id', type: 'bigint' }];
const inWorkspace = 't.workspace_id = $1';

/** A custom field of the workspace, for the leads file's custom.<key> columns. */
export type CustomFieldColumn = { key: string; type: string };

function customFieldType(type: string): ColumnType {
  switch (type) {
    case 'number':
    case 'money':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'multi_select':
      return 'json';
    default:
      // date and datetime values are written as stored (ISO 8601).
      return 'text';
  }
}

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

function customColumns(fields: readonly CustomFieldColumn[]): ExportColumnSpec[] {
  return fields.map((f) => {
    const type = customFieldType(f.type);
    const key = sqlString(f.key);
    // Values are stored as JSON: scalars as their text, a list as JSON.
    const expr = type === 'json' ? `(t.custom -> ${key})::text` : `t.custom ->> ${key}`;
    return { name: `custom.${f.key}`, type, sql: expr };
  });
}

export function exportEntities(customFields: readonly CustomFieldColumn[]): EntitySpec[] {
  return [
    {
      file: 'users.csv',
      entity: 'users',
      from: 'users t JOIN memberships m ON m.user_id = t.id JOIN roles r ON r.id = m.role_id',
      where: 'm.workspace_id = $1',
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['email', 'text'],
        ['name', 'text'],
        ['role_key', 'text', 'r.key'],
        ['role_name', 'text', 'r.name'],
        ['membership_status', 'text', 'm.status'],
        ['member_since', 'timestamp', 'm.created_at'],
        ['locale', 'text'],
        ['time_zone', 'text'],
        ['two_factor_enabled', 'boolean', 't.totp_enabled'],
        ['created_at', 'timestamp'],
      ]),
    },
    {
      file: 'roles.csv',
      entity: 'roles',
      from: 'roles t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['key', 'text'], ['name', 'text'], ['built_in', 'boolean'], ['permissions', 'json', jsonArray('permissions')], ['created_at', 'timestamp']]),
    },
    {
      file: 'pipelines.csv',
      entity: 'pipelines',
      from: 'pipelines t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['position', 'integer'], ['created_at', 'timestamp'], ['archived_at', 'timestamp']]),
    },
    {
      file: 'pipeline_stages.csv',
      entity: 'pipeline_stages',
      from: 'pipeline_stages t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['pipeline_id', 'uuid'],
        ['name', 'text'],
        ['kind', 'text'],
        ['status', 'text'],
        ['position', 'integer'],
        ['color', 'text'],
        ['rotting_days', 'integer'],
        ['created_at', 'timestamp'],
        ['archived_at', 'timestamp'],
      ]),
    },
    {
      file: 'lost_reasons.csv',
      entity: 'lost_reasons',
      from: 'lost_reasons t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['position', 'integer'], ['created_at', 'timestamp'], ['archived_at', 'timestamp']]),
    },
    {
      file: 'custom_fields.csv',
      entity: 'custom_fields',
      from: 'custom_fields t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['entity', 'text'],
        ['key', 'text'],
        ['label', 'text'],
        ['type', 'text'],
        ['required', 'boolean'],
        ['options', 'json'],
        ['help_text', 'text'],
        ['position', 'integer'],
        ['created_at', 'timestamp'],
        ['deleted_at', 'timestamp'],
      ]),
    },
    {
      file: 'leads.csv',
      entity: 'leads',
      from: 'leads t LEFT JOIN users o ON o.id = t.owner_id LEFT JOIN pipeline_stages s ON s.id = t.stage_id',
      where: inWorkspace,
      key: byId,
      columns: [
        ...cols([
          ['id', 'uuid'],
          ['first_name', 'text'],
          ['last_name', 'text'],
          ['company', 'text'],
          ['emails', 'json', jsonArray('emails')],
          ['phones', 'json'],
          ['source', 'text'],
          ['source_detail', 'text'],
          ['campaign', 'text'],
          ['city', 'text'],
          ['state', 'text'],
          ['country', 'text'],
          ['zip', 'text'],
          ['time_zone', 'text'],
          ['language', 'text'],
          ['tags', 'json', jsonArray('tags')],
          ['owner_id', 'uuid'],
          ['owner_email', 'text', 'o.email'],
          ['pipeline_id', 'uuid'],
          ['stage_id', 'uuid'],
          ['stage_name', 'text', 's.name'],
          ['score', 'integer'],
          ['next_follow_up_at', 'timestamp'],
          ['lost_reason', 'text'],
          ['client_since', 'timestamp'],
          ['origin', 'text'],
          ['external_id', 'text'],
          ['event_id', 'uuid'],
          ['referral_type', 'text'],
          ['referred_by_lead_id', 'uuid'],
          ['referred_by_contact_id', 'uuid'],
          ['referred_at', 'timestamp'],
          ['created_by', 'uuid'],
          ['created_at', 'timestamp'],
          ['updated_at', 'timestamp'],
          ['last_activity_at', 'timestamp'],
          ['came_back_at', 'timestamp'],
          ['deleted_at', 'timestamp'],
        ]),
        ...customColumns(customFields),
      ],
    },
    {
      file: 'clients.csv',
      entity: 'clients',
      from: 'leads t LEFT JOIN pipeline_stages s ON s.id = t.stage_id',
      where: `${inWorkspace} AND t.client_since IS NOT NULL AND t.deleted_at IS NULL`,
      key: byId,
      columns: cols([
        ['lead_id', 'uuid', 't.id'],
        ['name', 'text', "nullif(concat_ws(' ', t.first_name, t.last_name), '')"],
        ['company', 'text'],
        ['client_since', 'timestamp'],
        ['owner_id', 'uuid'],
        ['stage_id', 'uuid'],
        ['stage_name', 'text', 's.name'],
      ]),
    },
    {
      file: 'contacts.csv',
      entity: 'lead_contacts',
      from: 'lead_contacts t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['lead_id', 'uuid'],
        ['name', 'text'],
        ['role', 'text'],
        ['phone', 'text', 't.phone_raw'],
        ['phone_e164', 'text'],
        ['email', 'text'],
        ['linkedin', 'text'],
        ['position', 'integer'],
        ['created_at', 'timestamp'],
      ]),
    },
    {
      file: 'activities.csv',
      entity: 'activities',
      from: 'activities t',
      where: inWorkspace,
      key: bySerial,
      columns: cols([
        ['id', 'integer'],
        ['lead_id', 'uuid'],
        ['type', 'text'],
        ['actor_id', 'uuid'],
        ['data', 'json'],
        ['mentions', 'json', jsonArray('mentions')],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'notes.csv',
      entity: 'notes',
      from: 'activities t',
      where: `${inWorkspace} AND t.type = 'note'`,
      key: bySerial,
      columns: cols([
        ['id', 'integer'],
        ['lead_id', 'uuid'],
        ['author_id', 'uuid', 't.actor_id'],
        ['body', 'text', "t.data ->> 'body'"],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'tasks.csv',
      entity: 'tasks',
      from: 'tasks t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['title', 'text'],
        ['type', 'text'],
        ['priority', 'text'],
        ['status', 'text'],
        ['due_at', 'timestamp'],
        ['all_day', 'boolean'],
        ['reminders', 'json', jsonArray('reminders')],
        ['assignee_id', 'uuid'],
        ['lead_id', 'uuid'],
        ['description', 'text'],
        ['checklist', 'json'],
        ['outcome', 'text'],
        ['outcome_note', 'text'],
        ['completed_at', 'timestamp'],
        ['completed_by', 'uuid'],
        ['recurrence', 'json'],
        ['series_id', 'uuid'],
        ['occurrence', 'integer'],
        ['created_by', 'uuid'],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'task_comments.csv',
      entity: 'task_comments',
      from: 'task_comments t',
      where: inWorkspace,
      key: bySerial,
      columns: cols([['id', 'integer'], ['task_id', 'uuid'], ['author_id', 'uuid'], ['body', 'text'], ['mentions', 'json', jsonArray('mentions')], ['created_at', 'timestamp']]),
    },
    {
      file: 'cadences.csv',
      entity: 'cadences',
      from: 'cadences t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['name', 'text'],
        ['steps', 'json'],
        ['triggers', 'json'],
        ['created_by', 'uuid'],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
        ['archived_at', 'timestamp'],
      ]),
    },
    {
      file: 'lead_cadences.csv',
      entity: 'lead_cadences',
      from: 'lead_cadences t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['lead_id', 'uuid'],
        ['cadence_id', 'uuid'],
        ['cadence_name', 'text'],
        ['status', 'text'],
        ['current_step', 'integer'],
        ['trigger', 'text'],
        ['started_at', 'timestamp'],
        ['started_by', 'uuid'],
        ['ended_at', 'timestamp'],
        ['stop_reason', 'text'],
      ]),
    },
    {
      file: 'distribution_rules.csv',
      entity: 'distribution_rules',
      from: 'distribution_rules t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['name', 'text'],
        ['priority', 'integer'],
        ['enabled', 'boolean'],
        ['conditions', 'json'],
        ['strategy', 'text'],
        ['load_measure', 'text'],
        ['daily_cap', 'integer'],
        ['weekly_cap', 'integer'],
        ['fallback', 'text'],
        ['fallback_user_id', 'uuid'],
        ['existing_owner', 'boolean'],
        ['working_hours', 'json'],
        ['claim_timeout_minutes', 'integer'],
        ['sla_minutes', 'integer'],
        ['max_reassignments', 'integer'],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'distribution_rule_members.csv',
      entity: 'distribution_rule_members',
      from: 'distribution_rule_members t',
      where: inWorkspace,
      key: [
        { sql: 't.rule_id', type: 'uuid' },
        { sql: 't.user_id', type: 'uuid' },
      ],
      columns: cols([['rule_id', 'uuid'], ['user_id', 'uuid'], ['position', 'integer'], ['weight', 'integer']]),
    },
    {
      file: 'assignments.csv',
      entity: 'assignments',
      from: 'assignments t',
      where: inWorkspace,
      key: bySerial,
      columns: cols([
        ['id', 'integer'],
        ['lead_id', 'uuid'],
        ['to_user_id', 'uuid'],
        ['from_user_id', 'uuid'],
        ['rule_id', 'uuid'],
        ['strategy', 'text'],
        ['by_user_id', 'uuid'],
        ['reason', 'text'],
        ['at', 'timestamp'],
      ]),
    },
    {
      file: 'web_forms.csv',
      entity: 'web_forms',
      from: 'web_forms t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['public_id', 'text'],
        ['name', 'text'],
        ['title', 'text'],
        ['intro', 'text'],
        ['fields', 'json'],
        ['consent_text', 'text'],
        ['submit_label', 'text'],
        ['success_message', 'text'],
        ['redirect_url', 'text'],
        ['source', 'text'],
        ['campaign', 'text'],
        ['tags', 'json', jsonArray('tags')],
        ['stage_id', 'uuid'],
        ['active', 'boolean'],
        ['allowed_origins', 'json', jsonArray('allowed_origins')],
        ['min_seconds_to_submit', 'integer'],
        ['created_by', 'uuid'],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'web_form_submissions.csv',
      entity: 'web_form_submissions',
      from: 'web_form_submissions t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['form_id', 'uuid'], ['lead_id', 'uuid'], ['outcome', 'text'], ['answers', 'json'], ['attribution', 'json'], ['created_at', 'timestamp']]),
    },
    {
      file: 'lead_sources.csv',
      entity: 'lead_sources',
      from: 'lead_sources t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['kind', 'text'], ['subtypes', 'json', jsonArray('subtypes')], ['position', 'integer'], ['created_at', 'timestamp'], ['archived_at', 'timestamp']]),
    },
    {
      file: 'marketing_events.csv',
      entity: 'marketing_events',
      from: 'marketing_events t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['event_date', 'date'], ['place', 'text'], ['notes', 'text'], ['created_by', 'uuid'], ['created_at', 'timestamp'], ['archived_at', 'timestamp']]),
    },
    {
      file: 'tags.csv',
      entity: 'tags',
      from: 'workspace_tags t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['color', 'text'], ['created_at', 'timestamp']]),
    },
    {
      file: 'saved_views.csv',
      entity: 'saved_views',
      from: 'saved_views t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['owner_id', 'uuid'],
        ['name', 'text'],
        ['shared', 'boolean'],
        ['query', 'json'],
        ['columns', 'json', jsonArray('columns')],
        ['created_at', 'timestamp'],
        ['updated_at', 'timestamp'],
      ]),
    },
    {
      file: 'import_templates.csv',
      entity: 'import_templates',
      from: 'import_templates t',
      where: inWorkspace,
      key: byId,
      columns: cols([['id', 'uuid'], ['name', 'text'], ['settings', 'json'], ['created_by', 'uuid'], ['created_at', 'timestamp']]),
    },
    {
      file: 'agent_availability.csv',
      entity: 'agent_availability',
      from: 'agent_availability t',
      where: inWorkspace,
      key: [{ sql: 't.user_id', type: 'uuid' }],
      columns: cols([['user_id', 'uuid'], ['paused', 'boolean'], ['working_hours', 'json'], ['out_of_office', 'json'], ['updated_at', 'timestamp']]),
    },
    {
      file: 'lead_offers.csv',
      entity: 'lead_offers',
      from: 'lead_offers t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['lead_id', 'uuid'],
        ['rule_id', 'uuid'],
        ['offered_to', 'json', jsonArray('offered_to')],
        ['status', 'text'],
        ['offered_at', 'timestamp'],
        ['expires_at', 'timestamp'],
        ['claimed_by', 'uuid'],
        ['claimed_at', 'timestamp'],
        ['resolved_at', 'timestamp'],
      ]),
    },
    {
      file: 'lead_speed.csv',
      entity: 'lead_speed',
      from: 'lead_speed t',
      where: inWorkspace,
      key: [{ sql: 't.lead_id', type: 'uuid' }],
      columns: cols([
        ['lead_id', 'uuid'],
        ['owner_id', 'uuid'],
        ['rule_id', 'uuid'],
        ['assigned_at', 'timestamp'],
        ['sla_due_at', 'timestamp'],
        ['owner_acted_at', 'timestamp'],
        ['first_action_at', 'timestamp'],
        ['first_action_type', 'text'],
        ['first_action_by', 'uuid'],
        ['reassignments', 'integer'],
      ]),
    },
    {
      file: 'production_task_files.csv',
      entity: 'production_task_files',
      from: 'production_task_files t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['task_id', 'uuid'],
        ['file_name', 'text'],
        ['content_type', 'text'],
        ['size_bytes', 'integer'],
        ['uploaded_by', 'uuid'],
        ['created_at', 'timestamp'],
      ]),
    },
    {
      file: 'notification_preferences.csv',
      entity: 'notification_preferences',
      from: 'notification_preferences t',
      where: inWorkspace,
      key: [{ sql: 't.user_id', type: 'uuid' }],
      columns: cols([['user_id', 'uuid'], ['channels', 'json'], ['quiet_hours', 'json'], ['updated_at', 'timestamp']]),
    },
    {
      file: 'audit_log.csv',
      entity: 'audit_log',
      from: 'audit_log t',
      where: inWorkspace,
      key: bySerial,
      columns: cols([
        ['id', 'integer'],
        ['actor_id', 'uuid'],
        ['action', 'text'],
        ['entity_type', 'text'],
        ['entity_id', 'text'],
        ['old_values', 'json'],
        ['new_values', 'json'],
        ['ip', 'text'],
        ['created_at', 'timestamp'],
      ]),
    },
    {
      file: 'imports.csv',
      entity: 'imports',
      from: 'imports t',
      where: inWorkspace,
      key: byId,
      columns: cols([
        ['id', 'uuid'],
        ['file_name', 'text'],
        ['format', 'text'],
        ['status', 'text'],
        ['row_count', 'integer'],
        ['rows_done', 'integer'],
        ['created', 'integer'],
        ['updated', 'integer'],
        ['summary', 'json'],
        ['error', 'text'],
        ['created_by', 'uuid'],
        ['created_at', 'timestamp'],
        ['started_at', 'timestamp'],
        ['finished_at', 'timestamp'],
        ['undone_at', 'timestamp'],
      ]),
    },
  ];
}

/**
 * One page of an entity after the last key read (null: the first page), in key order. Returns the SQL text and its
 * parameters; each row comes back as `k0..kn` (the key, as text) and `c0..cn` (the columns, as text or null).
 */
export function pageQuery(spec: EntitySpec, workspaceId: string, after: string[] | null, limit: number): { text: string; params: unknown[] } {
  const params: unknown[] = [workspaceId];
  const keys = spec.key.map((k, i) => `${k.sql}::text AS k${i}`);
  const columns = spec.columns.map((c, i) => `${c.sql} AS c${i}`);
  let where = spec.where;
  if (after) {
    const left = spec.key.map((k) => k.sql).join(', ');
    const right = spec.key.map((k, i) => {
      params.push(after[i]);
      return `$${params.length}::${k.type}`;
    });
    where += ` AND (${left}) > (${right.join(', ')})`;
  }
  params.push(limit);
  const order = spec.key.map((k) => k.sql).join(', ');
  return { text: `SELECT ${[...keys, ...columns].join(', ')} FROM ${spec.from} WHERE ${where} ORDER BY ${order} LIMIT $${params.length}`, params };
}
