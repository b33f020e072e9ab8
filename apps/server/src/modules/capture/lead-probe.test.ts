import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureRepository, type NewLeadRow } from './capture.repository.ts';
import { createTestApp, setUpOwner, type TestApp } from '../../test/app.ts';

const SETUP_TIMEOUT = 180_000;

/**
 * Capture decides a new lead's owner before the row exists (ADR 026): the rules' conditions run on the rows the
 * probe yields, so those must be the rows the INSERT stores — every column of `leads`, whatever a later migration
 * adds, with its default or generated value.
 */
describe('lead probe', () => {
  let t: TestApp;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    workspaceId = (await setUpOwner(t)).workspaceId;
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const row = (over: Partial<NewLeadRow>): NewLeadRow => ({
    id: randomUUID(),
    workspaceId,
    firstName: 'JOÃO',
    lastName: 'Gonçalves',
    company: null,
    phones: [{ raw: '+1 202 555 0100', e164: '+12025550100' }],
    phoneE164: ['+12025550100'],
    phoneSearch: '12025550100 2025550100',
    emails: ['joao@example.com'],
    emailSearch: 'joao@example.com',
    source: 'Facebook',
    campaign: null,
    city: 'Boston',
    language: null,
    state: 'MA',
    country: 'US',
    zip: null,
    timeZone: 'America/New_York',
    tags: ['vip'],
    custom: { budget: 300 },
    origin: 'api',
    externalId: randomUUID(),
    ownerId: null,
    pipelineId: null,
    stageId: null,
    at: new Date(t.deps.now()),
    ...over,
  });

  it('yields, column for column, the rows the insert stores (defaults and generated columns included)', async () => {
    const repo = createCaptureRepository(t.deps.database.db);
    const rows = [row({}), row({ firstName: null, lastName: null, company: 'Ácme Ltda', phones: [], phoneE164: [], emails: [], tags: [], custom: {} })];
    const compared = await t.deps.database.db.transaction(async (tx) => {
      const probe = (await repo.probeLeads(tx, rows))!;
      expect(probe).not.toBeNull();
      const probed = (await tx.execute(sql`SELECT to_jsonb(p) AS r FROM (${probe}) p ORDER BY p.id`)) as unknown as { rows: { r: Record<string, unknown> }[] };
      expect(await repo.insertLeads(tx, rows)).toHaveLength(2);
      const stored = (await tx.execute(
        sql`SELECT to_jsonb(l) AS r FROM leads l WHERE l.id = ANY(${`{${rows.map((r) => r.id).join(',')}}`}::uuid[]) ORDER BY l.id`,
      )) as unknown as { rows: { r: Record<string, unknown> }[] };
      return { probed: probed.rows.map((x) => x.r), stored: stored.rows.map((x) => x.r) };
    });
    expect(compared.stored).toHaveLength(2);
    for (const [i, stored] of compared.stored.entries()) {
      const probed = compared.probed[i]!;
      expect(Object.keys(probed).sort()).toEqual(Object.keys(stored).sort());
      expect(probed).toEqual(stored);
    }
    expect(compared.stored.map((r) => r.name_search)).toEqual(expect.arrayContaining(['joao goncalves ', '  acme ltda']));
  });

  it('gives up (null: store first, hand over after) when a column has a default it cannot repeat', async () => {
    for (const column of ['n bigserial', 'n bigint GENERATED ALWAYS AS IDENTITY', 'n timestamptz DEFAULT clock_timestamp()', 'n uuid DEFAULT gen_random_uuid()']) {
      let probe: unknown = 'not run';
      // The column is added and rolled back in the same transaction (rollback() throws to end it).
      await t.deps.database.db
        .transaction(async (tx) => {
          await tx.execute(sql.raw(`ALTER TABLE leads ADD COLUMN probe_${column}`));
          probe = await createCaptureRepository(t.deps.database.db).probeLeads(tx, [row({})]);
          tx.rollback();
        })
        .catch(() => undefined);
      expect(probe, column).toBeNull();
    }
    expect(await createCaptureRepository(t.deps.database.db).probeLeads(t.deps.database.db, [row({})])).not.toBeNull();
  });
});
