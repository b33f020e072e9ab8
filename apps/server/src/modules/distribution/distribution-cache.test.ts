import diagnostics from 'node:diagnostics_channel';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributeLeads } from './distribution.assign.ts';
import { distributionCache } from './distribution.cache.ts';
import { createCaptureRepository } from '../capture/capture.repository.ts';
import { ingestCapturedLeads, type CapturedLead } from '../capture/lead-ingest.ts';
import { emptyPerson } from '../capture/meta-field-map.ts';
import { TIMING_CHANNEL, type Timing } from '../../platform/timing/timing.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';

const SETUP_TIMEOUT = 180_000;

/**
 * Distribution keeps each workspace's rules in memory and trusts them only while the workspace's distribution
 * version is the one they were read at (ADR 025). Every change here is made straight in the database — as another
 * instance, a migration or an admin's SQL would — and the next lead must follow it, never the cached rules.
 */
describe('distribution rules cache', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;
  const agents: string[] = [];
  let ruleId: string;

  const exec = (q: ReturnType<typeof sql>) => t.deps.database.db.execute(q);
  const version = async () => {
    const r = (await exec(sql`SELECT version FROM distribution_versions WHERE workspace_id = ${workspaceId}`)) as unknown as { rows: { version: string }[] };
    return Number(r.rows[0]?.version ?? 0);
  };

  async function newLead(campaign = 'Spring'): Promise<string> {
    const res = await owner.post('/api/v1/leads', { firstName: 'Cache', lastName: 'Lead', campaign, ownerId: null });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }
  async function distribute(leadId: string) {
    const [d] = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId, leadIds: [leadId], at: t.deps.now() }));
    return d!;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    owner.workspaceId = workspaceId;
    for (const n of [1, 2]) agents.push((await addMember(t, owner, `cache-agent${n}@example.com`, 'agent')).userId);
    const res = await owner.post('/api/v1/distribution/rules', {
      name: 'Spring',
      priority: 10,
      conditions: [{ field: 'campaign', op: 'eq', value: 'Spring' }],
      strategy: 'round_robin',
      members: [{ userId: agents[0] }],
      fallback: 'unassigned',
    });
    expect(res.statusCode, res.body).toBe(201);
    ruleId = res.json().id;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  it('follows a change of group made outside this process', async () => {
    expect((await distribute(await newLead())).owner?.id).toBe(agents[0]);
    expect(distributionCache.get(workspaceId)?.rules.map((r) => r.id)).toEqual([ruleId]);
    const before = await version();
    await exec(sql`UPDATE distribution_rule_members SET user_id = ${agents[1]} WHERE rule_id = ${ruleId}`);
    expect(await version()).toBeGreaterThan(before);
    expect((await distribute(await newLead())).owner?.id).toBe(agents[1]);
    expect(distributionCache.get(workspaceId)?.rules[0]?.members.map((m) => m.userId)).toEqual([agents[1]]);
  });

  it("follows a rule's conditions and a disabled rule", async () => {
    await exec(sql`UPDATE distribution_rules SET conditions = ${JSON.stringify([{ field: 'campaign', op: 'eq', value: 'Autumn' }])}::jsonb WHERE id = ${ruleId}`);
    expect((await distribute(await newLead('Spring'))).owner).toBeNull();
    expect((await distribute(await newLead('Autumn'))).owner?.id).toBe(agents[1]);
    await exec(sql`UPDATE distribution_rules SET enabled = false WHERE id = ${ruleId}`);
    const d = await distribute(await newLead('Autumn'));
    expect(d.owner).toBeNull();
    expect(d.rule).toBeNull();
    await exec(sql`UPDATE distribution_rules SET enabled = true, conditions = ${JSON.stringify([{ field: 'campaign', op: 'eq', value: 'Spring' }])}::jsonb WHERE id = ${ruleId}`);
  });

  it("follows a member's status and name", async () => {
    await exec(sql`UPDATE users SET name = 'Renamed Agent' WHERE id = ${agents[1]}`);
    const renamed = await distribute(await newLead());
    expect(renamed.owner).toEqual({ id: agents[1], name: 'Renamed Agent' });
    // The timeline's record carries the new name too.
    const timeline = (await exec(
      sql`SELECT data FROM activities WHERE lead_id = ${renamed.leadId} AND type = 'owner_changed'`,
    )) as unknown as { rows: { data: { to: { name: string } } | string }[] };
    const data = timeline.rows[0]!.data;
    expect((typeof data === 'string' ? JSON.parse(data) : data).to.name).toBe('Renamed Agent');

    await exec(sql`UPDATE memberships SET status = 'disabled' WHERE workspace_id = ${workspaceId} AND user_id = ${agents[1]}`);
    const skipped = await distribute(await newLead());
    expect(skipped.owner).toBeNull();
    expect(skipped.reason).toBe('unassigned');
    await exec(sql`UPDATE memberships SET status = 'active' WHERE workspace_id = ${workspaceId} AND user_id = ${agents[1]}`);
    expect((await distribute(await newLead())).owner?.id).toBe(agents[1]);
  });

  it('follows the custom fields and the time zone that conditions compile against', async () => {
    const field = await owner.post('/api/v1/custom-fields', { label: 'Budget', type: 'number' });
    expect(field.statusCode, field.body).toBe(201);
    const key = field.json().key as string;
    const before = await version();
    await exec(sql`UPDATE distribution_rules SET conditions = ${JSON.stringify([{ field: `custom.${key}`, op: 'gte', value: 100 }])}::jsonb WHERE id = ${ruleId}`);
    const rich = await owner.post('/api/v1/leads', { firstName: 'Rich', custom: { [key]: 500 }, ownerId: null });
    expect(rich.statusCode, rich.body).toBe(201);
    expect((await distribute(rich.json().id)).owner?.id).toBe(agents[1]);
    // The field goes away outside this process: the rule now matches nothing.
    await exec(sql`UPDATE custom_fields SET deleted_at = now() WHERE workspace_id = ${workspaceId} AND key = ${key}`);
    const again = await owner.post('/api/v1/leads', { firstName: 'Rich again', ownerId: null });
    await exec(sql`UPDATE leads SET custom = ${JSON.stringify({ [key]: 500 })}::jsonb WHERE id = ${again.json().id}`);
    expect((await distribute(again.json().id)).owner).toBeNull();
    expect(await version()).toBeGreaterThan(before);

    const zoneBefore = await version();
    await exec(sql`UPDATE workspaces SET time_zone = 'Asia/Tokyo' WHERE id = ${workspaceId}`);
    expect(await version()).toBeGreaterThan(zoneBefore);
    await distribute(await newLead());
    expect(distributionCache.get(workspaceId)?.timeZone).toBe('Asia/Tokyo');
    await exec(sql`UPDATE distribution_rules SET conditions = ${JSON.stringify([{ field: 'campaign', op: 'eq', value: 'Spring' }])}::jsonb WHERE id = ${ruleId}`);
  });

  it('never keeps rules read inside a transaction that rolled back', async () => {
    const leadId = await newLead();
    // A transaction changes the group, distributes (caching what it sees) and rolls back.
    await t.deps.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`UPDATE distribution_rule_members SET user_id = ${agents[0]} WHERE rule_id = ${ruleId}`);
        const [d] = await distributeLeads(tx, { workspaceId, leadIds: [leadId], at: t.deps.now() });
        expect(d!.owner?.id).toBe(agents[0]);
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
    // A later committed change gets a number of its own, so the rolled-back rules cannot pass for it.
    await exec(sql`UPDATE distribution_rules SET name = 'Spring (renamed)' WHERE id = ${ruleId}`);
    const d = await distribute(leadId);
    expect(d.owner?.id).toBe(agents[1]);
    expect(d.rule?.name).toBe('Spring (renamed)');
  });

  it('skips the read for a capture batch of a workspace without rules, whatever its duplicate policy, and follows a rule saved by another instance', async () => {
    // ADR 027: capture's lock statement reads the distribution version; at a version whose cached setup has no rules
    // the batch stores its leads unassigned without the distribution read.
    const ws = (await owner.post('/api/v1/workspaces', { name: 'No Rules Realty' })).json().id as string;
    const repo = createCaptureRepository(t.deps.database.db);
    let n = 0;
    const capture = async () => {
      n++;
      const input: CapturedLead = {
        workspaceId: ws,
        origin: 'api',
        externalId: `no-rules-${n}`,
        person: { ...emptyPerson(), firstName: `Person ${n}`, emails: [`no-rules-${n}@example.com`] },
        source: 'Cache',
        campaign: 'Spring',
        tags: [],
        pipelineId: null,
        stageId: null,
        submission: {},
      };
      const [outcome] = await t.deps.database.db.transaction((tx) => ingestCapturedLeads(tx, repo, t.deps.now(), [input]));
      return outcome!;
    };
    const reads: Timing[] = [];
    const onTiming = (m: unknown) => (m as Timing).name === 'distribution.decide' && reads.push(m as Timing);
    diagnostics.subscribe(TIMING_CHANNEL, onTiming);
    try {
      expect(await capture()).toMatchObject({ outcome: 'created', ownerId: null });
      expect(distributionCache.get(ws)?.rules).toEqual([]);
      const readsBefore = reads.length;
      expect(await capture()).toMatchObject({ outcome: 'created', ownerId: null });
      expect(reads.length).toBe(readsBefore);
      // The same when the workspace always creates (capture stores first and hands over after).
      owner.workspaceId = ws;
      const policy = async (duplicatePolicy: string) =>
        expect((await owner.request('PUT', '/api/v1/integrations/capture-settings', { duplicatePolicy })).statusCode).toBe(200);
      await policy('always_create');
      expect(await capture()).toMatchObject({ outcome: 'created', ownerId: null });
      expect(reads.length).toBe(readsBefore);

      // Another instance saves a rule: this process still holds the setup without rules, at the old version.
      const stale = distributionCache.get(ws)!;
      const me = (await owner.get('/api/v1/me')).json().user.id as string;
      const res = await owner.post('/api/v1/distribution/rules', { name: 'All', priority: 1, strategy: 'round_robin', members: [{ userId: me }] });
      expect(res.statusCode, res.body).toBe(201);
      distributionCache.set(ws, stale);
      expect(await capture()).toMatchObject({ outcome: 'created', ownerId: me });
      expect(reads.length).toBeGreaterThan(readsBefore);
      // And on the merge path (owners decided before the insert).
      await policy('merge');
      distributionCache.set(ws, stale);
      const readsThen = reads.length;
      expect(await capture()).toMatchObject({ outcome: 'created', ownerId: me });
      expect(reads.length).toBeGreaterThan(readsThen);
      owner.workspaceId = workspaceId;
    } finally {
      diagnostics.unsubscribe(TIMING_CHANNEL, onTiming);
    }
  });

  it("keeps each workspace's setup apart", async () => {
    const other = (await owner.post('/api/v1/workspaces', { name: 'Other Realty' })).json().id as string;
    owner.workspaceId = other;
    const lead = await owner.post('/api/v1/leads', { firstName: 'Elsewhere', campaign: 'Spring', ownerId: null });
    owner.workspaceId = workspaceId;
    const [d] = await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId: other, leadIds: [lead.json().id], at: t.deps.now() }));
    expect(d!.owner).toBeNull();
    expect(distributionCache.get(other)?.rules).toEqual([]);
    // A lead of another workspace is not distributed by this one's rules.
    expect(await t.deps.database.db.transaction((tx) => distributeLeads(tx, { workspaceId, leadIds: [lead.json().id], at: t.deps.now() }))).toEqual([]);
  });
});
