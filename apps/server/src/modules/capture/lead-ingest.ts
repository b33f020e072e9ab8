import { randomUUID } from 'node:crypto';
import { writeAudit } from '../../platform/audit/audit.ts';
import type { DbOrTx } from '../../platform/db/client.ts';
import { normalizePhone, phoneSearchDigits } from '../../platform/geo/phone.ts';
import { isKnownCountry, timeZoneFromLocation } from '../../platform/geo/time-zone.ts';
import type { BusEvent } from '../../platform/events/event-bus.ts';
import type { AppDeps } from '../../platform/http/types.ts';
import type { CaptureRepository, IngestLocks, NewActivity, NewLeadRow } from './capture.repository.ts';
import { decideOwnersBeforeInsert, distributeNewLeads, type NewLead } from './distribution-step.ts';
import type { CapturedPerson } from './meta-field-map.ts';

export type CaptureOrigin = 'meta' | 'api' | 'web_form';

/** Yields to the event loop (a batch of 100 leads must not hold webhook answers for its whole CPU time). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export type CapturedLead = {
  workspaceId: string;
  origin: CaptureOrigin;
  externalId: string;
  person: CapturedPerson;
  source: string | null;
  campaign: string | null;
  tags: string[];
  pipelineId: string | null;
  stageId: string | null;
  /** What the timeline keeps of the submission (answers, ad, form). */
  submission: Record<string, unknown>;
};

export type IngestOutcome =
  /** `queued`: a rule left the new lead in the unassigned queue; this tells the managers (`lead.unassigned`). */
  | { outcome: 'created'; leadId: string; ownerId: string | null; origin?: CaptureOrigin; queued?: BusEvent }
  | { outcome: 'came_back'; leadId: string; ownerId: string | null; origin?: CaptureOrigin }
  /** This external id was ingested before: nothing new. */
  | { outcome: 'already_ingested'; leadId: string; ownerId: string | null; origin?: CaptureOrigin };

/**
 * The one way a captured submission becomes a lead, whatever the channel: exactly once per external id
 * (the leads_external_key unique index decides under concurrency), and a known person (same E.164 phone or
 * email) gets a `came_back` activity on their existing lead, keeping its owner, when the workspace merges.
 * Runs inside the caller's transaction; the caller publishes with `announceIngest` after commit.
 */
export async function ingestCapturedLead(tx: DbOrTx, repo: CaptureRepository, at: Date, input: CapturedLead): Promise<IngestOutcome> {
  const [outcome] = await ingestCapturedLeads(tx, repo, at, [input]);
  return outcome!;
}

type Prepared = {
  input: CapturedLead;
  phones: { raw: string; e164: string | null }[];
  phoneE164: string[];
  emails: string[];
  country: string | null;
};

type Planned =
  | { kind: 'create'; id: string; p: Prepared }
  | { kind: 'came_back'; leadId: string; ownerId: string | null; p: Prepared }
  | { kind: 'known'; leadId: string; ownerId: string | null; p: Prepared };

/**
 * Many submissions in one go (the Meta inbox hands over its batches here): the same rules as one by one, in
 * input order — a person who appears twice in the batch is created once and comes back once — with a fixed
 * number of queries per workspace instead of a dozen per lead.
 */
export async function ingestCapturedLeads(
  tx: DbOrTx,
  repo: CaptureRepository,
  at: Date,
  inputs: CapturedLead[],
  /** The caller took `lockWorkspaceIngest` for these workspaces already, in this transaction: what it returned. */
  opts: { locked?: IngestLocks } = {},
): Promise<IngestOutcome[]> {
  const results = new Array<IngestOutcome>(inputs.length);
  const byWorkspace = new Map<string, number[]>();
  inputs.forEach((input, i) => byWorkspace.set(input.workspaceId, [...(byWorkspace.get(input.workspaceId) ?? []), i]));
  const locks = opts.locked ?? (await repo.lockWorkspaceIngest(tx, [...byWorkspace.keys()]));
  for (const [workspaceId, indexes] of [...byWorkspace].sort(([a], [b]) => a.localeCompare(b))) {
    const outcomes = await ingestForWorkspace(tx, repo, at, workspaceId, indexes.map((i) => inputs[i]!), locks);
    indexes.forEach((inputIndex, k) => (results[inputIndex] = outcomes[k]!));
  }
  return results;
}

async function ingestForWorkspace(
  tx: DbOrTx,
  repo: CaptureRepository,
  at: Date,
  workspaceId: string,
  inputs: CapturedLead[],
  /** What the lock statement read: the workspace's distribution version. */
  locks: IngestLocks,
): Promise<IngestOutcome[]> {
  const key = (origin: string, externalId: string) => `${origin}\0${externalId}`;
  const known = await repo.leadsByExternalIds(tx, workspaceId, [...new Set(inputs.map((i) => i.externalId))]);
  const knownByKey = new Map(known.map((k) => [key(k.origin, k.externalId), k]));
  const { defaultCountry, duplicatePolicy } = await repo.captureContext(tx, workspaceId);

  const prepared: Prepared[] = [];
  for (const [i, input] of inputs.entries()) {
    // Phone parsing is the costly part: let webhooks waiting on this process answer between leads.
    if (i % 10 === 9) await breathe();
    const country = input.person.country && isKnownCountry(input.person.country) ? input.person.country : null;
    const phones = input.person.phones.map((raw) => {
      const n = normalizePhone(raw, country ?? defaultCountry);
      return { raw: n.raw.slice(0, 40), e164: n.e164 };
    });
    prepared.push({
      input,
      phones,
      phoneE164: [...new Set(phones.flatMap((p) => (p.e164 ? [p.e164] : [])))],
      emails: [...new Set(input.person.emails)],
      country,
    });
  }

  const merge = duplicatePolicy === 'merge';
  const candidates = merge
    ? await repo.samePersonCandidates(
        tx,
        workspaceId,
        [...new Set(prepared.flatMap((p) => p.phoneE164))],
        [...new Set(prepared.flatMap((p) => p.emails))],
      )
    : [];
  // Oldest first, as one by one would find them; then the people created earlier in this batch.
  const existingOwner = (p: Prepared) => candidates.find((c) => c.phoneE164.some((x) => p.phoneE164.includes(x)) || c.emails.some((x) => p.emails.includes(x)));
  const createdInBatch = new Map<string, string>();
  const seenInBatch = new Map<string, Planned>();

  const plans: Planned[] = prepared.map((p) => {
    const k = key(p.input.origin, p.input.externalId);
    const before = knownByKey.get(k);
    if (before) return { kind: 'known', leadId: before.id, ownerId: before.ownerId, p };
    const twin = seenInBatch.get(k);
    if (twin) {
      const leadId = twin.kind === 'create' ? twin.id : twin.leadId;
      return { kind: 'known', leadId, ownerId: twin.kind === 'create' ? null : twin.ownerId, p };
    }
    let plan: Planned | undefined;
    if (merge) {
      const existing = existingOwner(p);
      if (existing) plan = { kind: 'came_back', leadId: existing.id, ownerId: existing.ownerId, p };
      else {
        const sameAsNew = [...p.phoneE164.map((x) => `p:${x}`), ...p.emails.map((x) => `e:${x}`)].map((x) => createdInBatch.get(x)).find(Boolean);
        if (sameAsNew) plan = { kind: 'came_back', leadId: sameAsNew, ownerId: null, p };
      }
    }
    if (!plan) {
      const id = randomUUID();
      for (const x of p.phoneE164) if (!createdInBatch.has(`p:${x}`)) createdInBatch.set(`p:${x}`, id);
      for (const x of p.emails) if (!createdInBatch.has(`e:${x}`)) createdInBatch.set(`e:${x}`, id);
      plan = { kind: 'create', id, p };
    }
    seenInBatch.set(k, plan);
    return plan;
  });

  const placements = new Map<string, Promise<{ pipelineId: string | null; stageId: string | null }>>();
  const placementOf = (pipelineId: string | null, stageId: string | null) => {
    const k = `${pipelineId ?? ''}/${stageId ?? ''}`;
    if (!placements.has(k)) placements.set(k, repo.placement(tx, workspaceId, pipelineId, stageId));
    return placements.get(k)!;
  };

  const creates = plans.filter((x): x is Extract<Planned, { kind: 'create' }> => x.kind === 'create');
  const rows: NewLeadRow[] = [];
  for (const [i, { id, p }] of creates.entries()) {
    if (i % 10 === 9) await breathe();
    const { person } = p.input;
    const placement = await placementOf(p.input.pipelineId, p.input.stageId);
    const hasName = person.firstName || person.lastName || person.company;
    const firstPhone = p.phones.find((x) => x.e164);
    rows.push({
      id,
      workspaceId,
      // A lead must be identifiable; a submission with nothing usable still arrives, named after its channel.
      firstName: person.firstName ?? (hasName || p.phones.length || p.emails.length ? null : 'Unnamed lead'),
      lastName: person.lastName,
      company: person.company,
      phones: p.phones,
      phoneE164: p.phoneE164,
      phoneSearch: phoneSearchDigits(p.phones),
      emails: p.emails,
      emailSearch: p.emails.join(' '),
      source: p.input.source,
      campaign: p.input.campaign,
      city: person.city,
      state: person.state,
      country: p.country,
      zip: person.zip,
      timeZone: timeZoneFromLocation(p.country, person.state) ?? (firstPhone ? timeZoneFromLocation(normalizePhone(firstPhone.e164!, 'US').country) : null),
      language: person.language,
      tags: [...new Set(p.input.tags)],
      custom: person.custom,
      origin: p.input.origin,
      externalId: p.input.externalId,
      ownerId: null,
      pipelineId: placement.pipelineId,
      stageId: placement.stageId,
      at,
    });
  }
  // With the duplicate policy `merge` every new lead is a new person: the owners are decided before the rows exist
  // and go in with them (ADR 026). Otherwise the rules may look for a returning person's owner among stored leads,
  // so the leads are stored first and handed over after; so too when a lead of this batch comes back later in it
  // (the rules must see it as it will be stored: come back).
  const createdIds = new Set(creates.map((c) => c.id));
  const backToNew = plans.some((plan) => plan.kind === 'came_back' && createdIds.has(plan.leadId));
  const pending = merge && rows.length && !backToNew ? await decideOwnersBeforeInsert(tx, repo, workspaceId, rows, at, locks.get(workspaceId)) : null;
  const inserted = new Set(await repo.insertLeads(tx, rows));
  if (inserted.size < creates.length) {
    // Another run inserted some of these external ids between our look-up and our insert: theirs win.
    const lost = creates.filter((c) => !inserted.has(c.id));
    const winners = new Map((await repo.leadsByExternalIds(tx, workspaceId, lost.map((c) => c.p.input.externalId))).map((w) => [key(w.origin, w.externalId), w]));
    const replaced = new Map<string, { id: string; ownerId: string | null }>();
    for (const c of lost) {
      const w = winners.get(key(c.p.input.origin, c.p.input.externalId))!;
      replaced.set(c.id, { id: w.id, ownerId: w.ownerId });
    }
    plans.forEach((plan, i) => {
      if (plan.kind === 'create' && replaced.has(plan.id)) {
        const w = replaced.get(plan.id)!;
        plans[i] = { kind: 'known', leadId: w.id, ownerId: w.ownerId, p: plan.p };
      } else if (plan.kind !== 'create' && replaced.has(plan.leadId)) {
        const w = replaced.get(plan.leadId)!;
        plans[i] = { ...plan, leadId: w.id, ownerId: w.ownerId };
      }
    });
  }

  const activityRows: NewActivity[] = [];
  const audits = [];
  const cameBack = new Set<string>();
  for (const plan of plans) {
    const { origin, externalId, source, campaign, submission } = plan.p.input;
    if (plan.kind === 'create') {
      activityRows.push({ workspaceId, leadId: plan.id, type: 'created', actorId: null, data: { origin, source, campaign, ...submission }, createdAt: at });
      audits.push({ workspaceId, actorId: null, action: 'lead.create', entityType: 'lead', entityId: plan.id, newValues: { origin, externalId, source, campaign } });
    } else if (plan.kind === 'came_back') {
      activityRows.push({ workspaceId, leadId: plan.leadId, type: 'came_back', actorId: null, data: { origin, externalId, source, campaign, ...submission }, createdAt: at });
      cameBack.add(plan.leadId);
    }
  }
  await repo.insertActivities(tx, activityRows);
  if (audits.length) await writeAudit(tx, audits);
  if (cameBack.size) await repo.markCameBack(tx, workspaceId, [...cameBack], at);

  const created = plans.filter((x): x is Extract<Planned, { kind: 'create' }> => x.kind === 'create');
  const newLeads: NewLead[] = created.map(({ id, p }) => ({
    workspaceId,
    leadId: id,
    origin: p.input.origin,
    source: p.input.source,
    campaign: p.input.campaign,
    submission: p.input.submission,
  }));
  const { owners: assigned, queued } = pending
    ? await pending.record(new Set(newLeads.map((l) => l.leadId)))
    : newLeads.length
      ? await distributeNewLeads(tx, newLeads, at, { newPeople: merge, versions: locks })
      : { owners: new Map<string, string>(), queued: new Map<string, BusEvent>() };

  return plans.map((plan): IngestOutcome => {
    const origin = plan.p.input.origin;
    if (plan.kind === 'create') {
      const waiting = queued.get(plan.id);
      return { outcome: 'created', leadId: plan.id, ownerId: assigned.get(plan.id) ?? null, origin, ...(waiting ? { queued: waiting } : {}) };
    }
    if (plan.kind === 'came_back') return { outcome: 'came_back', leadId: plan.leadId, ownerId: plan.ownerId, origin };
    return { outcome: 'already_ingested', leadId: plan.leadId, ownerId: plan.ownerId, origin };
  });
}

/** The bus events of an ingest outcome: none when nothing new happened; a new lead handed to an agent adds `lead.assigned`. */
function ingestEvents(workspaceId: string, result: IngestOutcome): BusEvent[] {
  const event = ingestEvent(workspaceId, result);
  if (!event) return [];
  if (result.outcome === 'created' && result.queued) return [event, result.queued];
  if (result.outcome !== 'created' || !result.ownerId) return [event];
  const assigned: BusEvent = {
    workspaceId,
    type: 'lead.assigned',
    data: { leadId: result.leadId, ownerId: result.ownerId, ...(result.origin ? { origin: result.origin } : {}) },
    audience: { userIds: [result.ownerId], permission: 'leads.view_all' },
  };
  return [event, assigned];
}

/** The bus event of an ingest outcome, or null when nothing new happened. */
function ingestEvent(workspaceId: string, result: IngestOutcome): BusEvent | null {
  if (result.outcome === 'already_ingested') return null;
  return {
    workspaceId,
    type: result.outcome === 'created' ? 'lead.created' : 'lead.updated',
    data: {
      leadId: result.leadId,
      ownerId: result.ownerId,
      ...(result.origin ? { origin: result.origin } : {}),
      ...(result.outcome === 'came_back' ? { cameBack: true } : {}),
    },
    audience: { userIds: result.ownerId ? [result.ownerId] : [], permission: 'leads.view_all' },
  };
}

/**
 * After commit: every new lead raises `lead.created` (the "new lead" event; data carries its origin) and a
 * known person's return raises `lead.updated` with `cameBack`, for those who may see the lead.
 */
export async function announceIngest(deps: AppDeps, workspaceId: string, result: IngestOutcome): Promise<void> {
  const [event, ...more] = ingestEvents(workspaceId, result);
  if (!event) return;
  if (more.length) await deps.events.publishMany([event, ...more]);
  else await deps.events.publish(event);
}

/** A batch's events in one round trip. Best effort like every bus event: the leads are stored either way. */
export async function announceIngests(deps: AppDeps, items: { workspaceId: string; result: IngestOutcome }[]): Promise<void> {
  const events = items.flatMap((x) => ingestEvents(x.workspaceId, x.result));
  if (events.length) await deps.events.publishMany(events).catch(() => undefined);
}
