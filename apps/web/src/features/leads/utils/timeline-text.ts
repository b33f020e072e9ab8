import { ASSIGNMENT_REASONS, DISTRIBUTION_STRATEGIES } from '@leadflow/shared/distribution';
import { TASK_TYPES } from '@leadflow/shared/tasks';
import type { TFunction } from 'i18next';

/** A timeline entry as text: its title and the lines under it. */
export type TimelineText = { title: string; lines: string[] };

/** How dates and field names read where the text is shown (the lead page passes the app's own formatters). */
export type TimelineFormat = { dateTime: (iso: string) => string; fieldLabel: (field: string) => string; originLabel: (origin: string) => string };

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');
const nameOf = (value: unknown): string => (isRecord(value) ? textOf(value.name) : '');
const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
/** Whether a stored string is one of a known list (an older or newer server may write others). */
const oneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/**
 * How an automatic change of owner came about, from the `via` the distribution step records on its `owner_changed`
 * entries (the rule, its strategy and why: claimed, SLA missed, returning person, fallback). Null for a change made by
 * hand, whose entry names the user who made it.
 */
export function assignmentViaText(via: unknown, t: TFunction): string | null {
  if (!isRecord(via)) return null;
  const reason = textOf(via.reason);
  const rule = textOf(via.ruleName);
  const strategy = textOf(via.strategy);
  const parts: string[] = [];
  if (rule) parts.push(t('distribution.history.byRule', { rule, strategy: oneOf(DISTRIBUTION_STRATEGIES, strategy) ? t(`distribution.strategies.${strategy}`) : strategy }));
  if (oneOf(ASSIGNMENT_REASONS, reason) && reason !== 'rule' && reason !== 'manual') parts.push(t(`distribution.reasons.${reason}`));
  return parts.length ? parts.join(' · ') : null;
}

/**
 * Titles and lines of the entries other modules add to a lead's timeline — a known person coming back (capture), an
 * offer and a missed SLA (distribution), imports, tasks — or null for a type this does not know.
 */
export function moduleActivityText(type: string, data: Record<string, unknown>, t: TFunction, format: TimelineFormat): TimelineText | null {
  const title = textOf(data.title);
  const fields = listOf(data.fields).map(format.fieldLabel);
  const fieldsLine = fields.length ? [t('leads.timeline.fieldsLine', { fields: fields.join(', ') })] : [];
  switch (type) {
    case 'came_back': {
      const lines = [
        textOf(data.source) ? `${t('leads.fields.source')}: ${textOf(data.source)}` : '',
        textOf(data.campaign) ? `${t('leads.fields.campaign')}: ${textOf(data.campaign)}` : '',
      ].filter(Boolean);
      return { title: t('leads.timeline.cameBack', { origin: format.originLabel(textOf(data.origin) || 'manual') }), lines };
    }
    case 'lead_offered': {
      const names = Array.isArray(data.offeredTo) ? data.offeredTo.map(nameOf).filter(Boolean) : [];
      const rule = isRecord(data.via) ? textOf(data.via.ruleName) : '';
      const until = textOf(data.expiresAt) ? format.dateTime(textOf(data.expiresAt)) : '';
      const lines = [rule ? t('leads.timeline.offeredRule', { rule }) : '', until ? t('leads.timeline.offeredUntil', { date: until }) : ''].filter(Boolean);
      return { title: t('leads.timeline.offered', { names: names.join(', ') || '—' }), lines };
    }
    case 'sla_breached': {
      const minutes = typeof data.slaMinutes === 'number' ? data.slaMinutes : 0;
      const to = nameOf(data.reassignedTo);
      // `late`: the owner acted after the due time but before the sweep came round; the lead stayed theirs.
      const lateMinutes = typeof data.lateSeconds === 'number' ? Math.max(1, Math.round(data.lateSeconds / 60)) : 0;
      const outcome = data.late === true
        ? t('leads.timeline.slaLate', { count: lateMinutes })
        : to
        ? t('leads.timeline.slaReassigned', { name: to })
        : data.capReached === true
          ? t('leads.timeline.slaCapReached')
          : t('leads.timeline.slaNobody');
      const rule = textOf(data.ruleName);
      return {
        title: t('leads.timeline.slaMissed', { name: nameOf(data.owner) || '—', minutes }),
        lines: [outcome, ...(rule ? [t('leads.timeline.slaRule', { rule })] : [])],
      };
    }
    case 'imported': {
      const file = textOf(data.fileName);
      const row = typeof data.row === 'number' ? data.row : 0;
      const key = data.action === 'updated' ? 'leads.timeline.importUpdated' : 'leads.timeline.importCreated';
      return { title: t(key, { file, row }), lines: data.action === 'updated' ? fieldsLine : [] };
    }
    case 'import_undone':
      return { title: t('leads.timeline.importUndone', { file: textOf(data.fileName) }), lines: fieldsLine };
    case 'task_created': {
      const taskType = textOf(data.type);
      const due = textOf(data.dueAt);
      const kind = oneOf(TASK_TYPES, taskType) ? t(`tasks.types.${taskType}`) : taskType;
      return { title: t('leads.timeline.taskCreated', { title }), lines: due ? [t('leads.timeline.taskDue', { type: kind, date: format.dateTime(due) })] : [] };
    }
    case 'task_updated':
      return { title: t('leads.timeline.taskUpdated', { title }), lines: [] };
    case 'task_completed': {
      const outcome = textOf(data.outcome);
      const note = textOf(data.note);
      const lines = [outcome ? t('leads.timeline.taskOutcome', { outcome: t(`tasks.outcomes.${outcome}`, { defaultValue: outcome }) }) : '', note].filter(Boolean);
      return { title: t('leads.timeline.taskCompleted', { title }), lines };
    }
    case 'task_reopened':
      return { title: t('leads.timeline.taskReopened', { title }), lines: [] };
    case 'task_deleted':
      return { title: t('leads.timeline.taskDeleted', { title }), lines: [] };
    case 'task_commented':
      return { title: t('leads.timeline.taskCommented', { title }), lines: textOf(data.body) ? [textOf(data.body)] : [] };
    case 'task_comment_deleted':
      return { title: t('leads.timeline.taskCommentDeleted', { title }), lines: [] };
    default:
      return null;
  }
}
