import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CadenceItem, CadenceTrigger, createCadenceRequest, EnrollmentItem, LeadCadences, updateCadenceRequest } from '@leadflow/shared/cadences';
import type { z } from 'zod';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { users } from '../accounts/accounts.table.ts';
import { activities, leads } from '../leads/leads.table.ts';
import { leadSources } from '../marketing/marketing.table.ts';
import { pipelines, pipelineStages } from '../pipelines/pipelines.table.ts';
import type { Doer, TasksService } from '../tasks/tasks.service.ts';
import type { TaskRow } from '../tasks/tasks.repository.ts';
import { tasks as tasksTable } from '../tasks/tasks.table.ts';
import { afterTaskDone, causeIsFresh, isReplyOutcome, nextStepStartsAt, stopReasonFor, taskDueAt, whenStepFallsDue } from './cadence-steps.ts';
import { cadences, leadCadences } from './cadences.table.ts';
import { CADENCE_LEADS_JOB, type LeadsChangedJob } from './cadence-jobs.ts';

export const CADENCE_LEAD_JOB = 'cadences.lead_changed';
export const CADENCE_STEP_JOB = 'cadences.step';

type CreateInput = z.infer<typeof createCadenceRequest>;
type UpdateInput = z.infer<typeof updateCadenceRequest>;
type CadenceRow = typeof cadences.$inferSelect;
type EnrollmentRow = typeof leadCadences.$inferSelect;
type StopReason = 'won' | 'lost' | 'replied' | 'user' | 'deleted';
/** `replied`: the person answered (came back with a new submission, or an inbound message): their cadences stop. */
export type LeadChangedJob = { workspaceId: string; leadId: string; replied?: boolean };
export type StepJob = { enrollmentId: string; step: number };

/** What a transaction leaves to do after its commit: queue reminders of new tasks and the timers of next steps. */
type AfterCommit = { tasks: TaskRow[]; timers: { enrollmentId: string; step: number; at: Date }[] };
const nothing = (): AfterCommit => ({ tasks: [], timers: [] });

/**
 * Lead events that may mean a stage entry, a new lead from a source, a won, lost or trashed lead, or an answer
 * from the person: `lead.updated` with `cameBack` (capture), or `lead.replied` (raised by inbound channels).
 */
const LEAD_EVENTS = new Set(['lead.created', 'lead.moved', 'lead.updated', 'lead.deleted', 'lead.replied']);
const isReplyEvent = (event: ReceivedEvent) => event.type === 'lead.replied' || (event.type === 'lead.updated' && event.data.cameBack === true);

export function createCadencesService(deps: AppDeps, { tasks }: { tasks: TasksService }) {
  const db = deps.database.db;

  // ---- cadences (admin) ---------------------------------------------------------------------------------------

  async function findCadence(workspaceId: string, id: string, tx: DbOrTx = db): Promise<CadenceRow | null> {
    const [row] = await tx.select().from(cadences).where(and(eq(cadences.workspaceId, workspaceId), eq(cadences.id, id)));
    return row ?? null;
  }

  /** Every stage trigger names a live stage of that pipeline in this workspace; every source one a listed source. */
  async function checkTriggers(workspaceId: string, triggers: CadenceTrigger[]): Promise<CadenceTrigger[]> {
    const stageIds = triggers.flatMap((t) => (t.kind === 'stage' ? [t.stageId.toLowerCase()] : []));
    const stages = stageIds.length
      ? await db
          .select({ id: pipelineStages.id, pipelineId: pipelineStages.pipelineId, archivedAt: pipelineStages.archivedAt, pipelineArchivedAt: pipelines.archivedAt })
          .from(pipelineStages)
          .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
          .where(and(eq(pipelineStages.workspaceId, workspaceId), inArray(pipelineStages.id, stageIds)))
      : [];
    const byId = new Map(stages.map((s) => [s.id, s]));
    const sourceRows = triggers.some((t) => t.kind === 'source')
      ? await db.select({ name: leadSources.name }).from(leadSources).where(and(eq(leadSources.workspaceId, workspaceId), isNull(leadSources.archivedAt)))
      : [];
    const sources = new Map(sourceRows.map((s) => [s.name.toLowerCase(), s.name]));
    return triggers.map((t, i) => {
      if (t.kind === 'stage') {
        const s = byId.get(t.stageId.toLowerCase());
        if (!s || s.archivedAt || s.pipelineArchivedAt) throw invalid(`triggers.${i}.stageId`, 'No such stage in this workspace');
        if (s.pipelineId !== t.pipelineId.toLowerCase()) throw invalid(`triggers.${i}.pipelineId`, 'The stage is not in this pipeline');
        return { kind: 'stage', pipelineId: s.pipelineId, stageId: s.id };
      }
      const name = sources.get(t.source.toLowerCase());
      if (!name) throw invalid(`triggers.${i}.source`, `No lead source "${t.source}" in this workspace`);
      return { kind: 'source', source: name };
    });
  }

  async function toItems(rows: CadenceRow[]): Promise<CadenceItem[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const counts = await db
      .select({ cadenceId: leadCadences.cadenceId, n: sql<number>`count(*)::int` })
      .from(leadCadences)
      .where(and(inArray(leadCadences.cadenceId, ids), eq(leadCadences.status, 'active')))
      .groupBy(leadCadences.cadenceId);
    const active = new Map(counts.map((c) => [c.cadenceId, Number(c.n)]));
    const stageIds = [...new Set(rows.flatMap((r) => r.triggers.flatMap((t) => (t.kind === 'stage' ? [t.stageId] : []))))];
    const names = stageIds.length
      ? await db
          .select({ id: pipelineStages.id, stageName: pipelineStages.name, pipelineName: pipelines.name })
          .from(pipelineStages)
          .innerJoin(pipelines, eq(pipelines.id, pipelineStages.pipelineId))
          .where(and(eq(pipelineStages.workspaceId, rows[0]!.workspaceId), inArray(pipelineStages.id, stageIds)))
      : [];
    const stageNames = new Map(names.map((n) => [n.id, n]));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      steps: r.steps,
      triggers: r.triggers.map((t) => (t.kind === 'stage' ? { ...t, stageName: stageNames.get(t.stageId)?.stageName ?? '', pipelineName: stageNames.get(t.stageId)?.pipelineName ?? '' } : t)),
      activeLeads: active.get(r.id) ?? 0,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      version: r.version,
    }));
  }

  const auditable = (c: CadenceRow) => ({ name: c.name, steps: c.steps, triggers: c.triggers });

  /** Workspaces where lead events matter (a cadence with triggers, or a lead in a cadence): cached briefly per instance. */
  const interest = new Map<string, { value: boolean; until: number }>();
  async function workspaceCares(workspaceId: string): Promise<boolean> {
    const cached = interest.get(workspaceId);
    const now = Date.now();
    if (cached && cached.until > now) return cached.value;
    const res = await deps.database.query<{ yes: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM cadences WHERE workspace_id = $1 AND archived_at IS NULL AND triggers <> '[]'::jsonb)
           OR EXISTS (SELECT 1 FROM lead_cadences WHERE workspace_id = $1 AND status = 'active') AS yes`,
      [workspaceId],
    );
    const value = Boolean(res.rows[0]?.yes);
    interest.set(workspaceId, { value, until: now + 10_000 });
    return value;
  }

  // ---- enrollments ------------------------------------------------------------------------------------------

  async function leadState(tx: DbOrTx, workspaceId: string, leadId: string) {
    const [row] = await tx
      .select({ id: leads.id, ownerId: leads.ownerId, stageId: leads.stageId, source: leads.source, createdAt: leads.createdAt, deletedAt: leads.deletedAt, stageKind: pipelineStages.kind })
      .from(leads)
      .leftJoin(pipelineStages, eq(pipelineStages.id, leads.stageId))
      .where(and(eq(leads.workspaceId, workspaceId), eq(leads.id, leadId)));
    return row ?? null;
  }

  async function cadenceTimeline(tx: DbOrTx, doer: Doer, e: EnrollmentRow, type: string, data: Record<string, unknown>, at: Date) {
    await tx.insert(activities).values({ workspaceId: e.workspaceId, leadId: e.leadId, type, actorId: doer.userId, data: { enrollmentId: e.id, cadenceId: e.cadenceId, cadence: e.cadenceName, ...data }, createdAt: at });
  }

  /** The task of a step: for the lead's owner (else whoever started the cadence), due by the plan. */
  async function createStepTask(tx: DbOrTx, doer: Doer, e: EnrollmentRow, step: number, ownerId: string | null, at: Date, out: AfterCommit): Promise<void> {
    const s = e.steps[step]!;
    const tz = await tasks.workspaceZone(e.workspaceId, tx);
    const due = taskDueAt(s, e.startedAt, at, tz);
    const task = await tasks.insertTask(
      tx,
      doer,
      {
        title: s.title,
        type: s.type,
        priority: 'normal',
        dueAt: due.dueAt,
        allDay: due.allDay,
        reminders: [],
        assigneeId: ownerId ?? e.startedBy,
        leadId: e.leadId,
        description: s.note,
        enrollmentId: e.id,
        cadenceStep: step,
        createdBy: e.startedBy,
        createdAt: at,
        updatedAt: at,
      },
      { cadence: e.cadenceName, enrollmentId: e.id, step: step + 1, steps: e.steps.length },
    );
    out.tasks.push(task);
  }

  async function stopEnrollment(tx: DbOrTx, doer: Doer, e: EnrollmentRow, reason: StopReason, at: Date): Promise<boolean> {
    const [row] = await tx
      .update(leadCadences)
      .set({ status: 'stopped', endedAt: at, stopReason: reason, stoppedBy: doer.userId })
      .where(and(eq(leadCadences.id, e.id), eq(leadCadences.status, 'active')))
      .returning();
    if (!row) return false;
    await cadenceTimeline(tx, doer, row, 'cadence_stopped', { reason, step: row.currentStep + 1, steps: row.steps.length }, at);
    await writeAudit(tx, { workspaceId: e.workspaceId, actorId: doer.userId, action: 'cadence.stop', entityType: 'lead', entityId: e.leadId, oldValues: { enrollmentId: e.id, status: 'active' }, newValues: { status: 'stopped', reason }, ip: doer.ip });
    return true;
  }

  /** Stops the lead's running cadences because the person answered; returns how many. */
  async function stopForReply(tx: DbOrTx, doer: Doer, workspaceId: string, leadId: string, at: Date): Promise<number> {
    const active = await tx
      .select()
      .from(leadCadences)
      .where(and(eq(leadCadences.workspaceId, workspaceId), eq(leadCadences.leadId, leadId), eq(leadCadences.status, 'active')));
    let stopped = 0;
    for (const e of active) if (await stopEnrollment(tx, doer, e, 'replied', at)) stopped++;
    return stopped;
  }

  /**
   * Moves an enrollment from step `from` to the next (or to its end), once: the conditional update on the current
   * step lets one of the completion hook and the timer win. A lead that was won, lost or deleted stops it instead.
   */
  async function advance(tx: DbOrTx, doer: Doer, e: EnrollmentRow, from: number, at: Date, out: AfterCommit): Promise<void> {
    const lead = await leadState(tx, e.workspaceId, e.leadId);
    const reason = stopReasonFor(lead?.stageKind, !lead || Boolean(lead.deletedAt));
    if (reason) {
      await stopEnrollment(tx, doer, e, reason, at);
      return;
    }
    const last = from + 1 >= e.steps.length;
    const [row] = await tx
      .update(leadCadences)
      .set(last ? { status: 'completed', endedAt: at } : { currentStep: from + 1 })
      .where(and(eq(leadCadences.id, e.id), eq(leadCadences.status, 'active'), eq(leadCadences.currentStep, from)))
      .returning();
    if (!row) return;
    if (last) {
      await cadenceTimeline(tx, doer, row, 'cadence_completed', { steps: row.steps.length }, at);
      await writeAudit(tx, { workspaceId: e.workspaceId, actorId: doer.userId, action: 'cadence.complete', entityType: 'lead', entityId: e.leadId, newValues: { enrollmentId: e.id, status: 'completed' }, ip: doer.ip });
      return;
    }
    await createStepTask(tx, doer, row, from + 1, lead!.ownerId, at, out);
  }

  async function afterCommit(out: AfterCommit): Promise<void> {
    for (const t of out.tasks) {
      await tasks.schedule(t);
      if (t.assigneeId) {
        await deps.events
          .publish({ workspaceId: t.workspaceId, type: 'task.created', data: { taskId: t.id, leadId: t.leadId, assigneeId: t.assigneeId }, audience: { userIds: [t.assigneeId], permission: 'tasks.view_all' } })
          .catch(() => undefined);
      }
    }
    for (const timer of out.timers) {
      await deps.jobs.send<StepJob>(CADENCE_STEP_JOB, { enrollmentId: timer.enrollmentId, step: timer.step }, { startAfter: timer.at, singletonKey: `${timer.enrollmentId}:${timer.step}` });
    }
  }

  /** Starts a cadence for a lead (in the caller's transaction): null when it already runs or this cause already started it. */
  async function enroll(
    tx: DbOrTx,
    doer: Doer,
    input: { cadence: CadenceRow; leadId: string; ownerId: string | null; trigger: string; at: Date },
    out: AfterCommit,
  ): Promise<EnrollmentRow | null> {
    const { cadence, at } = input;
    const [row] = await tx
      .insert(leadCadences)
      .values({ workspaceId: cadence.workspaceId, leadId: input.leadId, cadenceId: cadence.id, cadenceName: cadence.name, steps: cadence.steps, trigger: input.trigger, startedAt: at, startedBy: doer.userId })
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    await cadenceTimeline(tx, doer, row, 'cadence_started', { trigger: input.trigger, steps: row.steps.length }, at);
    await writeAudit(tx, { workspaceId: cadence.workspaceId, actorId: doer.userId, action: 'cadence.start', entityType: 'lead', entityId: input.leadId, newValues: { enrollmentId: row.id, cadenceId: cadence.id, cadence: cadence.name, trigger: input.trigger }, ip: doer.ip });
    await createStepTask(tx, doer, row, 0, input.ownerId, at, out);
    // A timer per later step, at its planned time: it starts that step if the cadence is still on the one before.
    const tz = await tasks.workspaceZone(cadence.workspaceId, tx);
    for (let step = 1; step < row.steps.length; step++) {
      out.timers.push({ enrollmentId: row.id, step, at: nextStepStartsAt(row.steps, step - 1, row.startedAt, tz)! });
    }
    interest.set(cadence.workspaceId, { value: true, until: Date.now() + 10_000 });
    return row;
  }

  /** The lead must be one the actor may see (record-level rule), and not in the trash. */
  async function visibleLead(actor: Actor, leadId: string) {
    const lead = await leadState(db, actor.workspaceId, leadId);
    if (!lead || lead.deletedAt || (!actor.permissions.has('leads.view_all') && lead.ownerId !== actor.userId)) throw notFound('Lead');
    return lead;
  }

  async function enrollmentItems(workspaceId: string, rows: EnrollmentRow[]): Promise<EnrollmentItem[]> {
    if (!rows.length) return [];
    const attempts = await db
      .select()
      .from(tasksTable)
      .where(and(eq(tasksTable.workspaceId, workspaceId), inArray(tasksTable.enrollmentId, rows.map((r) => r.id))))
      .orderBy(asc(tasksTable.cadenceStep), asc(tasksTable.createdAt));
    const starterIds = [...new Set(rows.flatMap((r) => (r.startedBy ? [r.startedBy] : [])))];
    const names = starterIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, starterIds)) : [];
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    return rows.map((r) => ({
      id: r.id,
      cadenceId: r.cadenceId,
      name: r.cadenceName,
      status: r.status,
      tier: r.currentStep + 1,
      tiers: r.steps.length,
      trigger: r.trigger,
      startedAt: r.startedAt.toISOString(),
      startedBy: r.startedBy ? { id: r.startedBy, name: nameOf.get(r.startedBy) ?? '' } : null,
      endedAt: r.endedAt?.toISOString() ?? null,
      stopReason: (r.stopReason as StopReason | null) ?? null,
      attempts: attempts
        .filter((t) => t.enrollmentId === r.id)
        .map((t) => ({
          step: (t.cadenceStep ?? 0) + 1,
          taskId: t.id,
          title: t.title,
          type: t.type as EnrollmentItem['attempts'][number]['type'],
          status: t.status,
          dueAt: t.dueAt.toISOString(),
          allDay: t.allDay,
          outcome: t.outcome,
          note: t.outcomeNote,
          completedAt: t.completedAt?.toISOString() ?? null,
        })),
    }));
  }

  // The cadence engine's hook: completing the current step's task moves its cadence on, in the same transaction.
  tasks.onComplete(async (tx, doer, task, at) => {
    if (task.leadId && isReplyOutcome(task.outcome)) {
      // The person answered: every running cadence of the lead has done its job (no next step).
      await stopForReply(tx, doer, task.workspaceId, task.leadId, at);
      return [];
    }
    if (!task.enrollmentId || task.cadenceStep === null) return [];
    const [e] = await tx.select().from(leadCadences).where(and(eq(leadCadences.workspaceId, task.workspaceId), eq(leadCadences.id, task.enrollmentId)));
    if (!e) return [];
    const decision = afterTaskDone({ status: e.status, currentStep: e.currentStep, steps: e.steps.length }, task.cadenceStep);
    if (decision.kind === 'none') return [];
    const out = nothing();
    await advance(tx, doer, e, task.cadenceStep, at, out);
    // The tasks service queues the new task's reminders after the commit; the step timers were queued at enrollment.
    return out.tasks;
  });

  const service = {
    async list(actor: Actor): Promise<CadenceItem[]> {
      const rows = await db.select().from(cadences).where(and(eq(cadences.workspaceId, actor.workspaceId), isNull(cadences.archivedAt))).orderBy(asc(cadences.name), asc(cadences.id));
      return toItems(rows);
    },

    async get(actor: Actor, id: string): Promise<CadenceItem> {
      const row = await findCadence(actor.workspaceId, id);
      if (!row || row.archivedAt) throw notFound('Cadence');
      return (await toItems([row]))[0]!;
    },

    async create(actor: Actor, input: CreateInput): Promise<CadenceItem> {
      const triggers = await checkTriggers(actor.workspaceId, input.triggers);
      const at = deps.now();
      const row = await db.transaction(async (tx) => {
        const [c] = await tx.insert(cadences).values({ workspaceId: actor.workspaceId, name: input.name, steps: input.steps, triggers, createdBy: actor.userId, createdAt: at, updatedAt: at }).returning();
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'cadence.create', entityType: 'cadence', entityId: c!.id, newValues: auditable(c!), ip: actor.ip });
        return c!;
      });
      interest.delete(actor.workspaceId);
      return (await toItems([row]))[0]!;
    },

    /** Changes apply to leads that enter the cadence from now on; running ones keep their snapshot of steps. */
    async update(actor: Actor, id: string, input: UpdateInput): Promise<CadenceItem> {
      const before = await findCadence(actor.workspaceId, id);
      if (!before || before.archivedAt) throw notFound('Cadence');
      if (input.version !== undefined && input.version !== before.version) throw conflict('Someone else changed this cadence; reload it and try again', 'version');
      const triggers = input.triggers ? await checkTriggers(actor.workspaceId, input.triggers) : undefined;
      const at = deps.now();
      const row = await db.transaction(async (tx) => {
        const [c] = await tx
          .update(cadences)
          .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.steps ? { steps: input.steps } : {}), ...(triggers ? { triggers } : {}), updatedAt: at, version: sql`${cadences.version} + 1` })
          .where(and(eq(cadences.workspaceId, actor.workspaceId), eq(cadences.id, id), eq(cadences.version, before.version)))
          .returning();
        if (!c) throw conflict('Someone else changed this cadence; reload it and try again', 'version');
        const diff = diffValues(auditable(before), auditable(c));
        if (diff) await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'cadence.update', entityType: 'cadence', entityId: id, ...diff, ip: actor.ip });
        return c;
      });
      interest.delete(actor.workspaceId);
      return (await toItems([row]))[0]!;
    },

    /** Archived, not deleted: the follow-up history of its leads stays; running enrollments finish their steps. */
    async archive(actor: Actor, id: string): Promise<void> {
      const before = await findCadence(actor.workspaceId, id);
      if (!before || before.archivedAt) throw notFound('Cadence');
      const at = deps.now();
      await db.transaction(async (tx) => {
        await tx.update(cadences).set({ archivedAt: at, updatedAt: at, version: sql`${cadences.version} + 1` }).where(and(eq(cadences.workspaceId, actor.workspaceId), eq(cadences.id, id)));
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'cadence.archive', entityType: 'cadence', entityId: id, oldValues: auditable(before), ip: actor.ip });
      });
      interest.delete(actor.workspaceId);
    },

    /** GET /leads/:id/cadences: running ones first, then the ended ones, newest first, each with its attempts. */
    async forLead(actor: Actor, leadId: string): Promise<LeadCadences> {
      await visibleLead(actor, leadId);
      const rows = await db
        .select()
        .from(leadCadences)
        .where(and(eq(leadCadences.workspaceId, actor.workspaceId), eq(leadCadences.leadId, leadId)))
        .orderBy(desc(leadCadences.startedAt), desc(leadCadences.id));
      const items = await enrollmentItems(actor.workspaceId, rows);
      return { active: items.filter((i) => i.status === 'active'), history: items.filter((i) => i.status !== 'active') };
    },

    /** A member applies a cadence to a lead by hand: its first task is created at once. */
    async apply(actor: Actor, leadId: string, cadenceId: string): Promise<EnrollmentItem> {
      const lead = await visibleLead(actor, leadId);
      const reason = stopReasonFor(lead.stageKind, false);
      if (reason) throw conflict(`This lead is ${reason}; a cadence cannot start`, 'leadId');
      const cadence = await findCadence(actor.workspaceId, cadenceId.toLowerCase());
      if (!cadence || cadence.archivedAt) throw invalid('cadenceId', 'No such cadence in this workspace');
      const out = nothing();
      const at = deps.now();
      const row = await db.transaction(async (tx) => enroll(tx, actor, { cadence, leadId, ownerId: lead.ownerId, trigger: 'manual', at }, out));
      if (!row) throw conflict(`This lead is already in the cadence "${cadence.name}"`, 'cadenceId');
      await afterCommit(out);
      await deps.events.publish({ workspaceId: actor.workspaceId, type: 'lead.updated', data: { leadId, ownerId: lead.ownerId }, audience: { userIds: lead.ownerId ? [lead.ownerId] : [], permission: 'leads.view_all' } }).catch(() => undefined);
      return (await enrollmentItems(actor.workspaceId, [row]))[0]!;
    },

    /** Stops a running cadence by hand: no further steps; open attempts stay as they are. */
    async stop(actor: Actor, leadId: string, enrollmentId: string): Promise<EnrollmentItem> {
      await visibleLead(actor, leadId);
      const [e] = await db.select().from(leadCadences).where(and(eq(leadCadences.workspaceId, actor.workspaceId), eq(leadCadences.leadId, leadId), eq(leadCadences.id, enrollmentId)));
      if (!e) throw notFound('Cadence enrollment');
      if (e.status !== 'active') throw conflict('This cadence has already ended', 'status');
      const stopped = await db.transaction(async (tx) => stopEnrollment(tx, actor, e, 'user', deps.now()));
      if (!stopped) throw conflict('This cadence has already ended', 'status');
      const [row] = await db.select().from(leadCadences).where(eq(leadCadences.id, e.id));
      return (await enrollmentItems(actor.workspaceId, [row!]))[0]!;
    },

    /**
     * The lead-changed job (once per event across instances): stops the lead's cadences when it is won, lost or
     * deleted; otherwise starts every cadence whose trigger matches a recent cause — its latest entry into its
     * current stage (`stage:<activity id>`, or `stage:created`), or its creation from a source (`source`). The
     * unique index on lead, cadence and cause makes a cause start a cadence once, whatever runs this.
     */
    async leadChanged(job: LeadChangedJob): Promise<number> {
      const lead = await leadState(db, job.workspaceId, job.leadId);
      const at = deps.now();
      const doer: Doer = { workspaceId: job.workspaceId, userId: null, ip: null };
      const reason = stopReasonFor(lead?.stageKind, !lead || Boolean(lead.deletedAt));
      if (!reason && lead && job.replied) {
        await db.transaction(async (tx) => stopForReply(tx, doer, job.workspaceId, job.leadId, at));
        return 0;
      }
      if (reason || !lead) {
        if (!lead) return 0;
        const active = await db.select().from(leadCadences).where(and(eq(leadCadences.workspaceId, job.workspaceId), eq(leadCadences.leadId, job.leadId), eq(leadCadences.status, 'active')));
        if (active.length) {
          await db.transaction(async (tx) => {
            for (const e of active) await stopEnrollment(tx, doer, e, reason!, at);
          });
        }
        return 0;
      }
      const candidates = (await db.select().from(cadences).where(and(eq(cadences.workspaceId, job.workspaceId), isNull(cadences.archivedAt)))).filter((c) => c.triggers.length);
      if (!candidates.length) return 0;
      let stageCause: { key: string; at: Date } | null = null;
      if (lead.stageId) {
        const [entry] = await db
          .select({ id: activities.id, createdAt: activities.createdAt })
          .from(activities)
          .where(and(eq(activities.leadId, lead.id), eq(activities.workspaceId, job.workspaceId), eq(activities.type, 'stage_changed'), sql`${activities.data}->'to'->>'id' = ${lead.stageId}`))
          .orderBy(desc(activities.id))
          .limit(1);
        stageCause = entry ? { key: `stage:${entry.id.toString()}`, at: entry.createdAt } : { key: 'stage:created', at: lead.createdAt };
      }
      const starts: { cadence: CadenceRow; trigger: string }[] = [];
      for (const c of candidates) {
        const stage = stageCause && c.triggers.some((t) => t.kind === 'stage' && t.stageId === lead.stageId);
        if (stage && causeIsFresh(stageCause!.at, c.createdAt, at)) starts.push({ cadence: c, trigger: stageCause!.key });
        const source = lead.source && c.triggers.some((t) => t.kind === 'source' && t.source.toLowerCase() === lead.source!.toLowerCase());
        if (source && causeIsFresh(lead.createdAt, c.createdAt, at)) starts.push({ cadence: c, trigger: 'source' });
      }
      let started = 0;
      for (const s of starts) {
        const out = nothing();
        const row = await db.transaction(async (tx) => enroll(tx, doer, { cadence: s.cadence, leadId: lead.id, ownerId: lead.ownerId, trigger: s.trigger, at }, out));
        if (row) {
          started++;
          await afterCommit(out);
        }
      }
      return started;
    },

    /**
     * Leads changed in bulk (a bulk move or delete, an archived stage's leads): each gets the lead-changed look,
     * unless the workspace has no triggered cadence and nothing running. Returns how many cadences started.
     */
    async leadsChanged(job: LeadsChangedJob): Promise<number> {
      if (!(await workspaceCares(job.workspaceId))) return 0;
      let started = 0;
      for (const leadId of job.leadIds) started += await service.leadChanged({ workspaceId: job.workspaceId, leadId });
      return started;
    },

    /** The step timer: the previous step is still open at the next step's time, so the next step starts anyway. */
    async stepFallsDue(job: StepJob): Promise<'created' | 'skipped'> {
      const [e] = await db.select().from(leadCadences).where(eq(leadCadences.id, job.enrollmentId));
      if (!e) return 'skipped';
      const at = deps.now();
      const tz = await tasks.workspaceZone(e.workspaceId);
      const startsAt = nextStepStartsAt(e.steps, job.step - 1, e.startedAt, tz);
      if (!startsAt || whenStepFallsDue({ status: e.status, currentStep: e.currentStep, steps: e.steps.length }, job.step, startsAt, at).kind !== 'create') return 'skipped';
      const out = nothing();
      const doer: Doer = { workspaceId: e.workspaceId, userId: null, ip: null };
      await db.transaction(async (tx) => advance(tx, doer, e, job.step - 1, at, out));
      await afterCommit(out);
      return out.tasks.length ? 'created' : 'skipped';
    },

    /**
     * Listens to lead events on this instance's bus; every instance hears each event and queues the same job key
     * (lead + event moment), so the queue runs it once. Returns the unsubscribe function.
     */
    subscribe(logger: { error(obj: unknown, msg?: string): void }): () => void {
      return deps.events.subscribe((event: ReceivedEvent) => {
        if (!LEAD_EVENTS.has(event.type) || typeof event.data.leadId !== 'string') return;
        const leadId = event.data.leadId;
        const job: LeadChangedJob = { workspaceId: event.workspaceId, leadId, ...(isReplyEvent(event) ? { replied: true } : {}) };
        void workspaceCares(event.workspaceId)
          .then((cares) => (cares ? deps.jobs.send<LeadChangedJob>(CADENCE_LEAD_JOB, job, { singletonKey: `${leadId}:${event.type}:${event.at}` }) : null))
          .catch((err: unknown) => logger.error({ err }, 'cadence trigger not queued'));
      });
    },
  };
  return service;
}

export type CadencesService = ReturnType<typeof createCadencesService>;

export async function registerCadenceJobs(deps: AppDeps, service: CadencesService): Promise<void> {
  await deps.jobs.register<LeadChangedJob>(CADENCE_LEAD_JOB, async (data) => void (await service.leadChanged(data)), { concurrency: 1 });
  await deps.jobs.register<StepJob>(CADENCE_STEP_JOB, async (data) => void (await service.stepFallsDue(data)), { concurrency: 1 });
  await deps.jobs.register<LeadsChangedJob>(CADENCE_LEADS_JOB, async (data) => void (await service.leadsChanged(data)), { concurrency: 1 });
}
