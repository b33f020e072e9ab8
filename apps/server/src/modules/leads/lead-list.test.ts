import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { auditLog } from '../../platform/audit/audit.table.ts';
import type { ReceivedEvent } from '../../platform/events/event-bus.ts';
import { addMember, createTestApp, setUpOwner, type TestApp, type TestClient } from '../../test/app.ts';
import { activities, leads } from './leads.table.ts';
import { queryParam, seedCustomField, seedLeads, stagesOf } from './lead-list.fixtures.ts';
import { addDays, dayInZone, startOfDayInZone } from './lead-query.ts';

/** Sign-ups, invitations and seeding through the API: generous on a busy 2-core machine (tests assert no timings). */
const SETUP_TIMEOUT = 180_000;

const TZ = 'America/Sao_Paulo';
type Filter = { field: string; op: string; value?: unknown };
type LeadJson = { id: string; firstName: string | null; score: number | null; tags: string[]; owner: { id: string } | null; deletedAt: string | null };

async function list(client: TestClient, query: object, extra = '') {
  const res = await client.get(`/api/v1/leads?query=${queryParam(query)}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { leads: LeadJson[]; nextCursor: string | null };
}

async function firstNames(client: TestClient, query: object): Promise<string[]> {
  return (await list(client, query, '&limit=200')).leads.map((l) => l.firstName ?? '').sort();
}

/** A moment of a calendar day relative to today, in the workspace's zone (so presets do not depend on the clock). */
function at(dayOffset: number, hour = 12): Date {
  const today = dayInZone(new Date(), TZ);
  return new Date(startOfDayInZone(addDays(today, dayOffset), TZ).getTime() + hour * 3600_000);
}
const dayOf = (offset: number) => addDays(dayInZone(new Date(), TZ), offset);

describe('filters on every field type', () => {
  let t: TestApp;
  let owner: TestClient;
  let ownerId: string;
  let agentId: string;
  const stage: Record<string, string> = {};
  let pipelineId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    ownerId = o.userId;
    agentId = (await addMember(t, owner, 'agent@example.com', 'agent')).userId;
    expect((await owner.patch('/api/v1/workspace', { timeZone: TZ })).statusCode).toBe(200);
    const ws = o.workspaceId;
    for (const s of await stagesOf(t, ws)) stage[s.name] = s.id;
    pipelineId = (await stagesOf(t, ws))[0]!.pipelineId;
    await seedCustomField(t, ws, { key: 'budget', type: 'number' });
    await seedCustomField(t, ws, { key: 'premium', type: 'money' });
    await seedCustomField(t, ws, { key: 'birthday', type: 'date' });
    await seedCustomField(t, ws, { key: 'visit', type: 'date' });
    await seedCustomField(t, ws, { key: 'callback', type: 'datetime' });
    await seedCustomField(t, ws, { key: 'vip', type: 'boolean' });
    await seedCustomField(t, ws, { key: 'policy', type: 'select', options: ['auto', 'life', 'home'] });
    await seedCustomField(t, ws, { key: 'interests', type: 'multi_select', options: ['buy', 'rent', 'sell'] });
    await seedCustomField(t, ws, { key: 'manager', type: 'user' });
    await seedCustomField(t, ws, { key: 'notes', type: 'long_text' });
    await seedCustomField(t, ws, { key: 'altphone', type: 'phone' });
    await seedCustomField(t, ws, { key: 'site', type: 'url' });
    await seedCustomField(t, ws, { key: 'gone', type: 'text', deleted: true });
    await seedLeads(t, ws, [
      {
        firstName: 'Ana',
        lastName: 'Silva',
        company: 'Acme Imóveis',
        phones: ['(11) 99999-8888'],
        emails: ['ana@acme.com'],
        source: 'Facebook',
        campaign: 'Summer',
        city: 'São Paulo',
        state: 'SP',
        country: 'BR',
        zip: '01000-000',
        timeZone: 'America/Sao_Paulo',
        tags: ['hot', 'vip'],
        ownerId,
        pipelineId,
        stageId: stage.New!,
        score: 90,
        nextFollowUpAt: at(1),
        createdAt: at(0, 10),
        custom: {
          budget: 500000,
          premium: 120.5,
          birthday: '1990-05-10',
          visit: dayOf(0),
          callback: at(0, 15).toISOString(),
          vip: true,
          policy: 'auto',
          interests: ['buy', 'rent'],
          manager: ownerId,
          notes: 'Prefers WhatsApp',
          altphone: '+5511988887777',
          site: 'https://ana.example.com',
          gone: 'old value',
        },
      },
      {
        firstName: 'Bruno',
        lastName: 'Costa',
        phones: ['+55 21 3333-4444'],
        emails: ['bruno@gmail.com', 'b.costa@work.com'],
        source: 'facebook',
        city: 'Rio de Janeiro',
        state: 'RJ',
        country: 'BR',
        tags: ['cold'],
        ownerId: agentId,
        pipelineId,
        stageId: stage.Contacted!,
        score: 40,
        nextFollowUpAt: at(5),
        createdAt: at(-1),
        custom: { budget: 150000, vip: false, policy: 'life', interests: ['rent'], birthday: '1985-12-01', visit: dayOf(3) },
      },
      {
        firstName: 'Carla',
        lastName: 'Souza',
        company: 'Souza & Filhos',
        source: 'Website',
        city: 'Campinas',
        state: 'SP',
        country: 'BR',
        lostReason: 'Too expensive',
        origin: 'import',
        createdAt: at(-10),
      },
      {
        firstName: 'Diego',
        company: 'Diego Tech',
        phones: ['11 3030-4040'],
        emails: ['diego@tech.io'],
        country: 'US',
        tags: ['hot'],
        ownerId,
        pipelineId,
        stageId: stage.Won!,
        score: 70,
        nextFollowUpAt: at(20),
        createdAt: at(-40),
        custom: { budget: 1000000, interests: ['buy', 'sell'], policy: 'home', vip: true, notes: '=HYPERLINK("x")', visit: dayOf(-30) },
      },
      {
        firstName: 'Eva',
        lastName: 'Lima',
        phones: ['+1 415 555 2671'],
        emails: ['eva@lima.dev'],
        source: 'Referral',
        tags: ['vip'],
        ownerId: agentId,
        pipelineId,
        stageId: stage.Lost!,
        score: 10,
        lostReason: 'No budget',
        origin: 'api',
        nextFollowUpAt: at(-2),
        createdAt: at(-3),
        custom: { budget: 0, birthday: '2000-02-29', manager: agentId },
      },
    ]);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  /** [filter, expected first names]; ids are the seeded leads above. */
  const standard = (): [Filter, string[]][] => [
    [{ field: 'firstName', op: 'eq', value: 'ana' }, ['Ana']],
    [{ field: 'firstName', op: 'neq', value: 'Ana' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'lastName', op: 'empty' }, ['Diego']],
    [{ field: 'lastName', op: 'not_empty' }, ['Ana', 'Bruno', 'Carla', 'Eva']],
    [{ field: 'company', op: 'contains', value: 'imóveis' }, ['Ana']],
    [{ field: 'company', op: 'not_contains', value: 'acme' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'company', op: 'starts_with', value: 'souza' }, ['Carla']],
    [{ field: 'source', op: 'eq', value: 'FACEBOOK' }, ['Ana', 'Bruno']],
    [{ field: 'source', op: 'in', value: ['Website', 'referral'] }, ['Carla', 'Eva']],
    [{ field: 'source', op: 'not_in', value: ['Facebook'] }, ['Carla', 'Diego', 'Eva']],
    [{ field: 'source', op: 'empty' }, ['Diego']],
    [{ field: 'campaign', op: 'eq', value: 'Summer' }, ['Ana']],
    [{ field: 'city', op: 'contains', value: 'paulo' }, ['Ana']],
    [{ field: 'state', op: 'in', value: ['SP'] }, ['Ana', 'Carla']],
    [{ field: 'country', op: 'eq', value: 'us' }, ['Diego']],
    [{ field: 'zip', op: 'starts_with', value: '01' }, ['Ana']],
    [{ field: 'timeZone', op: 'eq', value: 'America/Sao_Paulo' }, ['Ana']],
    [{ field: 'lostReason', op: 'contains', value: 'BUDGET' }, ['Eva']],
    [{ field: 'origin', op: 'in', value: ['import', 'api'] }, ['Carla', 'Eva']],
    [{ field: 'name', op: 'contains', value: 'silva' }, ['Ana']],
    [{ field: 'name', op: 'contains', value: 'tech' }, ['Diego']],
    [{ field: 'name', op: 'starts_with', value: 'bru' }, ['Bruno']],
    [{ field: 'name', op: 'not_contains', value: 'a' }, ['Diego']],
    [{ field: 'name', op: 'empty' }, []],
    [{ field: 'name', op: 'not_empty' }, ['Ana', 'Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'phone', op: 'eq', value: '(11) 99999-8888' }, ['Ana']],
    [{ field: 'phone', op: 'eq', value: '+55 11 99999 8888' }, ['Ana']],
    [{ field: 'phone', op: 'eq', value: '9999-8888' }, []],
    [{ field: 'phone', op: 'neq', value: '11999998888' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'phone', op: 'eq', value: '+1 415 555 2671' }, ['Eva']],
    [{ field: 'phone', op: 'contains', value: '3333' }, ['Bruno']],
    [{ field: 'phone', op: 'not_contains', value: '9999' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'phone', op: 'empty' }, ['Carla']],
    [{ field: 'phone', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego', 'Eva']],
    [{ field: 'email', op: 'eq', value: 'BRUNO@gmail.com' }, ['Bruno']],
    [{ field: 'email', op: 'neq', value: 'ana@acme.com' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'email', op: 'contains', value: 'work' }, ['Bruno']],
    [{ field: 'email', op: 'not_contains', value: 'acme' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'email', op: 'starts_with', value: 'b.' }, ['Bruno']],
    [{ field: 'email', op: 'empty' }, ['Carla']],
    [{ field: 'tags', op: 'in', value: ['hot'] }, ['Ana', 'Diego']],
    [{ field: 'tags', op: 'not_in', value: ['hot'] }, ['Bruno', 'Carla', 'Eva']],
    [{ field: 'tags', op: 'contains', value: ['hot', 'vip'] }, ['Ana']],
    [{ field: 'tags', op: 'contains', value: 'vip' }, ['Ana', 'Eva']],
    [{ field: 'tags', op: 'not_contains', value: 'vip' }, ['Bruno', 'Carla', 'Diego']],
    [{ field: 'tags', op: 'empty' }, ['Carla']],
    [{ field: 'tags', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego', 'Eva']],
    [{ field: 'ownerId', op: 'eq', value: 'me' }, ['Ana', 'Diego']],
    [{ field: 'ownerId', op: 'eq', value: agentId }, ['Bruno', 'Eva']],
    [{ field: 'ownerId', op: 'eq', value: null }, ['Carla']],
    [{ field: 'ownerId', op: 'neq', value: 'me' }, ['Bruno', 'Carla', 'Eva']],
    [{ field: 'ownerId', op: 'in', value: [agentId, null] }, ['Bruno', 'Carla', 'Eva']],
    [{ field: 'ownerId', op: 'not_in', value: ['me'] }, ['Bruno', 'Carla', 'Eva']],
    [{ field: 'ownerId', op: 'empty' }, ['Carla']],
    [{ field: 'ownerId', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego', 'Eva']],
    [{ field: 'stageId', op: 'eq', value: stage.New }, ['Ana']],
    [{ field: 'stageId', op: 'neq', value: stage.New }, ['Bruno', 'Carla', 'Diego', 'Eva']],
    [{ field: 'stageId', op: 'in', value: [stage.Won, stage.Lost] }, ['Diego', 'Eva']],
    [{ field: 'stageId', op: 'not_in', value: [stage.Won, stage.Lost] }, ['Ana', 'Bruno', 'Carla']],
    [{ field: 'stageId', op: 'empty' }, ['Carla']],
    [{ field: 'pipelineId', op: 'eq', value: pipelineId }, ['Ana', 'Bruno', 'Diego', 'Eva']],
    [{ field: 'score', op: 'gt', value: 40 }, ['Ana', 'Diego']],
    [{ field: 'score', op: 'gte', value: 40 }, ['Ana', 'Bruno', 'Diego']],
    [{ field: 'score', op: 'lt', value: 40 }, ['Eva']],
    [{ field: 'score', op: 'lte', value: 40 }, ['Bruno', 'Eva']],
    [{ field: 'score', op: 'between', value: [40, 70] }, ['Bruno', 'Diego']],
    [{ field: 'score', op: 'eq', value: 70 }, ['Diego']],
    [{ field: 'score', op: 'neq', value: 70 }, ['Ana', 'Bruno', 'Carla', 'Eva']],
    [{ field: 'score', op: 'in', value: [10, 90] }, ['Ana', 'Eva']],
    [{ field: 'score', op: 'not_in', value: [10, 90] }, ['Bruno', 'Carla', 'Diego']],
    [{ field: 'score', op: 'empty' }, ['Carla']],
    [{ field: 'score', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego', 'Eva']],
  ];

  it('applies every operator of the standard fields', async () => {
    for (const [filter, expected] of standard()) {
      expect(await firstNames(owner, { filters: [filter] }), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('compares dates as calendar days in the workspace time zone, with presets', async () => {
    const weekStart = (() => {
      const today = dayOf(0);
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
      return addDays(today, -weekday);
    })();
    const created: Record<string, number> = { Ana: 0, Bruno: -1, Carla: -10, Diego: -40, Eva: -3 };
    const inWeek = Object.keys(created).filter((n) => dayOf(created[n]!) >= weekStart);
    const inMonth = Object.keys(created).filter((n) => dayOf(created[n]!).slice(0, 7) === dayOf(0).slice(0, 7));
    const cases: [Filter, string[]][] = [
      [{ field: 'createdAt', op: 'today' }, ['Ana']],
      [{ field: 'createdAt', op: 'last_days', value: 2 }, ['Ana', 'Bruno']],
      [{ field: 'createdAt', op: 'last_days', value: 7 }, ['Ana', 'Bruno', 'Eva']],
      [{ field: 'createdAt', op: 'this_week' }, inWeek.sort()],
      [{ field: 'createdAt', op: 'this_month' }, inMonth.sort()],
      [{ field: 'createdAt', op: 'eq', value: dayOf(-1) }, ['Bruno']],
      [{ field: 'createdAt', op: 'neq', value: dayOf(0) }, ['Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'createdAt', op: 'gt', value: dayOf(-1) }, ['Ana']],
      [{ field: 'createdAt', op: 'gte', value: dayOf(-1) }, ['Ana', 'Bruno']],
      [{ field: 'createdAt', op: 'lt', value: dayOf(-3) }, ['Carla', 'Diego']],
      [{ field: 'createdAt', op: 'lte', value: dayOf(-3) }, ['Carla', 'Diego', 'Eva']],
      [{ field: 'createdAt', op: 'between', value: [dayOf(-10), dayOf(-3)] }, ['Carla', 'Eva']],
      [{ field: 'createdAt', op: 'gte', value: at(0, 0).toISOString() }, ['Ana']],
      [{ field: 'createdAt', op: 'eq', value: at(-1).toISOString().replace('Z', '+00:00') }, ['Bruno']],
      [{ field: 'createdAt', op: 'between', value: [at(-3, 11).toISOString(), at(-1, 13).toISOString()] }, ['Bruno', 'Eva']],
      [{ field: 'nextFollowUpAt', op: 'next_days', value: 7 }, ['Ana', 'Bruno']],
      [{ field: 'nextFollowUpAt', op: 'last_days', value: 3 }, ['Eva']],
      [{ field: 'nextFollowUpAt', op: 'lt', value: dayOf(0) }, ['Eva']],
      [{ field: 'nextFollowUpAt', op: 'empty' }, ['Carla']],
      [{ field: 'nextFollowUpAt', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego', 'Eva']],
      [{ field: 'updatedAt', op: 'not_empty' }, ['Ana', 'Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'lastActivityAt', op: 'last_days', value: 1 }, ['Ana', 'Bruno', 'Carla', 'Diego', 'Eva']],
    ];
    for (const [filter, expected] of cases) {
      expect(await firstNames(owner, { filters: [filter] }), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('applies the operators of every custom field type, typed by its definition', async () => {
    const cases: [Filter, string[]][] = [
      [{ field: 'custom.budget', op: 'gt', value: 200000 }, ['Ana', 'Diego']],
      [{ field: 'custom.budget', op: 'between', value: [0, 150000] }, ['Bruno', 'Eva']],
      [{ field: 'custom.budget', op: 'eq', value: 0 }, ['Eva']],
      [{ field: 'custom.budget', op: 'neq', value: 0 }, ['Ana', 'Bruno', 'Carla', 'Diego']],
      [{ field: 'custom.budget', op: 'lte', value: 150000 }, ['Bruno', 'Eva']],
      [{ field: 'custom.budget', op: 'in', value: [0, 500000] }, ['Ana', 'Eva']],
      [{ field: 'custom.budget', op: 'not_in', value: [0] }, ['Ana', 'Bruno', 'Carla', 'Diego']],
      [{ field: 'custom.budget', op: 'empty' }, ['Carla']],
      [{ field: 'custom.premium', op: 'gte', value: 100.5 }, ['Ana']],
      [{ field: 'custom.premium', op: 'lt', value: 100 }, []],
      [{ field: 'custom.premium', op: 'empty' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'custom.birthday', op: 'eq', value: '1990-05-10' }, ['Ana']],
      [{ field: 'custom.birthday', op: 'gt', value: '1990-01-01' }, ['Ana', 'Eva']],
      [{ field: 'custom.birthday', op: 'lt', value: '1990-01-01' }, ['Bruno']],
      [{ field: 'custom.birthday', op: 'lte', value: '1985-12-01' }, ['Bruno']],
      [{ field: 'custom.birthday', op: 'between', value: ['1985-01-01', '1990-12-31'] }, ['Ana', 'Bruno']],
      [{ field: 'custom.birthday', op: 'empty' }, ['Carla', 'Diego']],
      [{ field: 'custom.visit', op: 'today' }, ['Ana']],
      [{ field: 'custom.visit', op: 'next_days', value: 7 }, ['Ana', 'Bruno']],
      [{ field: 'custom.visit', op: 'last_days', value: 31 }, ['Ana', 'Diego']],
      [{ field: 'custom.callback', op: 'today' }, ['Ana']],
      [{ field: 'custom.callback', op: 'eq', value: at(0, 15).toISOString() }, ['Ana']],
      [{ field: 'custom.callback', op: 'lt', value: at(0, 14).toISOString() }, []],
      [{ field: 'custom.callback', op: 'not_empty' }, ['Ana']],
      [{ field: 'custom.vip', op: 'eq', value: true }, ['Ana', 'Diego']],
      [{ field: 'custom.vip', op: 'eq', value: false }, ['Bruno', 'Carla', 'Eva']],
      [{ field: 'custom.vip', op: 'neq', value: true }, ['Bruno', 'Carla', 'Eva']],
      [{ field: 'custom.vip', op: 'empty' }, ['Carla', 'Eva']],
      [{ field: 'custom.vip', op: 'not_empty' }, ['Ana', 'Bruno', 'Diego']],
      [{ field: 'custom.policy', op: 'eq', value: 'auto' }, ['Ana']],
      [{ field: 'custom.policy', op: 'neq', value: 'auto' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'custom.policy', op: 'in', value: ['life', 'home'] }, ['Bruno', 'Diego']],
      [{ field: 'custom.policy', op: 'not_in', value: ['auto'] }, ['Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'custom.policy', op: 'empty' }, ['Carla', 'Eva']],
      [{ field: 'custom.interests', op: 'in', value: ['rent'] }, ['Ana', 'Bruno']],
      [{ field: 'custom.interests', op: 'not_in', value: ['buy'] }, ['Bruno', 'Carla', 'Eva']],
      [{ field: 'custom.interests', op: 'contains', value: ['buy', 'rent'] }, ['Ana']],
      [{ field: 'custom.interests', op: 'contains', value: 'buy' }, ['Ana', 'Diego']],
      [{ field: 'custom.interests', op: 'not_contains', value: 'buy' }, ['Bruno', 'Carla', 'Eva']],
      [{ field: 'custom.interests', op: 'empty' }, ['Carla', 'Eva']],
      [{ field: 'custom.manager', op: 'eq', value: 'me' }, ['Ana']],
      [{ field: 'custom.manager', op: 'eq', value: agentId }, ['Eva']],
      [{ field: 'custom.manager', op: 'in', value: ['me', agentId] }, ['Ana', 'Eva']],
      [{ field: 'custom.manager', op: 'empty' }, ['Bruno', 'Carla', 'Diego']],
      [{ field: 'custom.notes', op: 'contains', value: 'whatsapp' }, ['Ana']],
      [{ field: 'custom.notes', op: 'starts_with', value: '=' }, ['Diego']],
      [{ field: 'custom.notes', op: 'empty' }, ['Bruno', 'Carla', 'Eva']],
      [{ field: 'custom.altphone', op: 'contains', value: '98888' }, ['Ana']],
      [{ field: 'custom.altphone', op: 'eq', value: '(11) 98888-7777' }, ['Ana']],
      [{ field: 'custom.altphone', op: 'empty' }, ['Bruno', 'Carla', 'Diego', 'Eva']],
      [{ field: 'custom.site', op: 'contains', value: 'example' }, ['Ana']],
    ];
    for (const [filter, expected] of cases) {
      expect(await firstNames(owner, { filters: [filter] }), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('combines filters and search with AND', async () => {
    expect(
      await firstNames(owner, {
        filters: [
          { field: 'tags', op: 'in', value: ['hot', 'vip'] },
          { field: 'score', op: 'gte', value: 50 },
        ],
      }),
    ).toEqual(['Ana', 'Diego']);
    expect(await firstNames(owner, { q: 'diego', filters: [{ field: 'score', op: 'lt', value: 50 }] })).toEqual([]);
    expect(await firstNames(owner, { q: 'lima', filters: [{ field: 'source', op: 'eq', value: 'Referral' }] })).toEqual(['Eva']);
  });

  it('refuses an unknown field, an operator that does not fit the type and a value of the wrong type, naming it', async () => {
    const cases: [Filter[] | string, string, RegExp][] = [
      [[{ field: 'foo', op: 'eq', value: 'x' }], 'query.filters.0.field', /Unknown field "foo"/],
      [[{ field: 'custom.nope', op: 'eq', value: 'x' }], 'query.filters.0.field', /No custom field "nope"/],
      [[{ field: 'custom.gone', op: 'eq', value: 'old value' }], 'query.filters.0.field', /No custom field "gone"/],
      [[{ field: 'score', op: 'gt', value: 1 }, { field: 'score', op: 'contains', value: '1' }], 'query.filters.1.op', /"contains" does not apply to a number field/],
      [[{ field: 'name', op: 'eq', value: 'Ana' }], 'query.filters.0.op', /use one of contains, not_contains/],
      [[{ field: 'tags', op: 'gt', value: 'x' }], 'query.filters.0.op', /does not apply to the tags/],
      [[{ field: 'custom.vip', op: 'gt', value: true }], 'query.filters.0.op', /yes\/no field/],
      [[{ field: 'custom.policy', op: 'contains', value: 'a' }], 'query.filters.0.op', /choice field/],
      [[{ field: 'score', op: 'eq', value: '12' }], 'query.filters.0.value', /Enter a number/],
      [[{ field: 'createdAt', op: 'eq', value: '2024-13-45' }], 'query.filters.0.value', /YYYY-MM-DD/],
      [[{ field: 'custom.birthday', op: 'eq', value: '2024-01-01T10:00:00Z' }], 'query.filters.0.value', /Use a date as YYYY-MM-DD$/],
      [[{ field: 'ownerId', op: 'eq', value: 'nobody' }], 'query.filters.0.value', /member id, "me" or null/],
      [[{ field: 'stageId', op: 'in', value: [] }], 'query.filters.0.value', /non-empty list/],
      [[{ field: 'score', op: 'between', value: [5] }], 'query.filters.0.value', /\[from, to\]/],
      [[{ field: 'score', op: 'between', value: [9, 1] }], 'query.filters.0.value', /from ≤ to/],
      [[{ field: 'createdAt', op: 'last_days', value: 0 }], 'query.filters.0.value', /whole number of days/],
      [[{ field: 'createdAt', op: 'today', value: 3 }], 'query.filters.0.value', /takes no value/],
      [[{ field: 'custom.policy', op: 'eq', value: 'boat' }], 'query.filters.0.value', /options of policy: auto, life, home/],
      [[{ field: 'custom.interests', op: 'in', value: ['fly'] }], 'query.filters.0.value', /options of interests/],
      [[{ field: 'custom.vip', op: 'eq', value: 'yes' }], 'query.filters.0.value', /true or false/],
      [[{ field: 'phone', op: 'eq', value: 'call me' }], 'query.filters.0.value', /4 digits/],
      [[{ field: 'firstName', op: 'eq' }], 'query.filters.0.value', /Enter some text/],
      [[{ field: 'firstName', op: 'like', value: 'x' }], 'query.filters.0.op', /./],
      ['{"filters": [', 'query', /must be JSON/],
    ];
    for (const [filters, field, message] of cases) {
      const raw = typeof filters === 'string' ? encodeURIComponent(filters) : queryParam({ filters });
      const res = await owner.get(`/api/v1/leads?query=${raw}`);
      expect(res.statusCode, JSON.stringify(filters)).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.field, JSON.stringify(filters)).toBe(field);
      expect(error.message, JSON.stringify(filters)).toMatch(message);
    }
    const sortRes = await owner.get(`/api/v1/leads?query=${queryParam({ sort: { field: 'custom.nope', dir: 'asc' } })}`);
    expect(sortRes.statusCode).toBe(400);
    expect(sortRes.json().error.field).toBe('query.sort.field');
    const count = await owner.get(`/api/v1/leads/count?query=${queryParam({ filters: [{ field: 'score', op: 'eq', value: 'x' }] })}`);
    expect(count.json().error.field).toBe('query.filters.0.value');
  });
});

describe('search', () => {
  let t: TestApp;
  let owner: TestClient;
  let byName: Map<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    const seeds = [
      { firstName: 'Fernanda', lastName: 'Oliveira', company: 'Casa Nova', phones: ['+5511999998888'], emails: ['fernanda.oliveira@imobiliaria.com.br'] },
      { firstName: 'Marcos', lastName: 'Pereira', phones: ['(21) 98765-4321'], emails: ['marcos@pereira.dev'] },
      { firstName: 'Fernando', lastName: 'Alves', company: 'Alves Seguros', emails: ['fer@alves.com'] },
      { firstName: 'Alves', lastName: 'Santos', city: 'Recife' },
      { firstName: 'Joana', lastName: 'Dark', company: 'Acme', city: 'Curitiba' },
      { firstName: 'João', lastName: 'Conceição', company: 'Pão & Café' },
      { firstName: 'Teixera', lastName: null },
      // Twenty exact matches of "teixeira": enough that its typos are left out.
      ...Array.from({ length: 20 }, (_, i) => ({ firstName: `T${String(i).padStart(2, '0')}`, lastName: 'Teixeira' })),
    ];
    const ids = await seedLeads(t, o.workspaceId, seeds);
    byName = new Map(seeds.map((s, i) => [ids[i]!, s.firstName]));
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const search = async (q: string, extra: object = {}) => (await list(owner, { q, ...extra })).leads.map((l) => byName.get(l.id));

  it('finds a phone typed in any format', async () => {
    for (const q of ['(11) 99999-8888', '+55 11 99999 8888', '11999998888', '5511999998888', '99999-8888']) {
      expect(await search(q), q).toEqual(['Fernanda']);
    }
    expect(await search('98765')).toEqual(['Marcos']);
    expect(await search('(21) 98765-4321')).toEqual(['Marcos']);
  });

  it('finds a name or company fragment, a typo, words in any order, and an email fragment', async () => {
    expect(await search('oliv')).toEqual(['Fernanda']);
    expect(await search('SEGUROS')).toEqual(['Fernando']);
    expect(await search('Olivera')).toEqual(['Fernanda']);
    expect(await search('Perreira')).toEqual(['Marcos']);
    // Equally similar to both (0.625): a typo may find more than one person.
    expect((await search('Fernada')).sort()).toEqual(['Fernanda', 'Fernando']);
    expect(await search('joana acme')).toEqual(['Joana']);
    expect(await search('acme joana')).toEqual(['Joana']);
    // The search box looks at names, companies, emails and phones; places have their own filters.
    expect(await search('curitiba')).toEqual([]);
    expect(await search('imobiliaria')).toEqual(['Fernanda']);
    expect(await search('@pereira')).toEqual(['Marcos']);
    expect(await search('100%_match')).toEqual([]);
  });

  it('ignores accents and case on both sides, in the search and in the name filter', async () => {
    // João first; a typo-like name (Joana, for "joao") may follow him.
    for (const q of ['joao', 'JOÃO', 'conceicao', 'Conceição', 'joão conc', 'pao & cafe', 'café']) expect((await search(q))[0], q).toBe('João');
    expect(await search('conceicao')).toEqual(['João']);
    const names = async (value: string) =>
      (await list(owner, { filters: [{ field: 'name', op: 'contains', value }] })).leads.map((l) => byName.get(l.id));
    expect(await names('CONCEIÇÃO')).toEqual(['João']);
    expect(await names('conceicao')).toEqual(['João']);
  });

  it('adds typos only when exact matches are few, after them, and counts and lists the same leads', async () => {
    const teixeiras = Array.from({ length: 20 }, (_, i) => `T${String(i).padStart(2, '0')}`);
    // Twenty exact matches: the typo "Teixera" is not one of them and is left out.
    expect((await search('teixeira', { sort: { field: 'firstName', dir: 'asc' } })).sort()).toEqual(teixeiras);
    // One exact match ("Teixera" herself): typos join, ranked after her.
    const typo = await search('teixera');
    expect(typo[0]).toBe('Teixera');
    expect(typo.slice(1).sort()).toEqual(teixeiras);
    const count = async (q: string) => (await owner.get(`/api/v1/leads/count?query=${queryParam({ q })}`)).json();
    expect(await count('teixeira')).toEqual({ count: 20, exact: true });
    expect(await count('teixera')).toEqual({ count: 21, exact: true });
    // A short word is looked for at the start of a word only.
    expect((await search('jo')).sort()).toEqual(['Joana', 'João']);
    expect(await search('oa')).toEqual([]);
  });

  it('orders by relevance without a sort (prefix before fragment), pages on it, and keeps an explicit sort', async () => {
    expect(await search('alves')).toEqual(['Alves', 'Fernando']);
    const first = await list(owner, { q: 'alves' }, '&limit=1');
    expect(first.leads.map((l) => byName.get(l.id))).toEqual(['Alves']);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(owner, { q: 'alves' }, `&limit=1&cursor=${first.nextCursor}`);
    expect(second.leads.map((l) => byName.get(l.id))).toEqual(['Fernando']);
    expect(second.nextCursor).toBeNull();
    expect(await search('alves', { sort: { field: 'firstName', dir: 'desc' } })).toEqual(['Fernando', 'Alves']);
    const noSearch = await owner.get(`/api/v1/leads?query=${queryParam({ sort: { field: 'relevance', dir: 'desc' } })}`);
    expect(noSearch.statusCode).toBe(400);
    expect(noSearch.json().error.field).toBe('query.sort.field');
  });
});

describe('sort and keyset pagination', () => {
  let t: TestApp;
  let owner: TestClient;
  let ids: string[];
  let seeds: { firstName: string; lastName: string | null; score: number | null; budget: number | null; ownerName: string | null; bio: string | null }[];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    const agent = await addMember(t, owner, 'zed@example.com', 'agent');
    await seedCustomField(t, o.workspaceId, { key: 'budget', type: 'number' });
    await seedCustomField(t, o.workspaceId, { key: 'bio', type: 'long_text' });
    const base = Date.UTC(2025, 0, 1);
    seeds = Array.from({ length: 120 }, (_, i) => ({
      firstName: `l${String(i).padStart(3, '0')}`,
      lastName: i % 5 === 0 ? null : `n${i % 9}`,
      score: i % 7 === 0 ? null : (i * 37) % 50,
      budget: i % 4 === 0 ? null : (i % 6) * 1000,
      ownerName: i % 3 === 0 ? null : i % 3 === 1 ? 'Olivia Owner' : 'zed',
      // Long texts, many alike in their first 100 characters.
      bio: i % 8 === 0 ? null : `${'x'.repeat(95)}${i % 10}${'y'.repeat(2000)}${i}`,
    }));
    ids = await seedLeads(
      t,
      o.workspaceId,
      seeds.map((s, i) => ({
        firstName: s.firstName,
        lastName: s.lastName,
        score: s.score,
        zip: String(i % 4),
        ownerId: s.ownerName === null ? null : s.ownerName === 'zed' ? agent.userId : o.userId,
        // Groups of three share a millisecond; the microseconds added below tie some and separate others.
        createdAt: new Date(base + Math.floor(i / 3)),
        custom: { ...(s.budget === null ? {} : { budget: s.budget }), ...(s.bio === null ? {} : { bio: s.bio }) },
      })),
    );
    await t.deps.database.db.execute(sql`UPDATE leads SET created_at = created_at + zip::int * interval '1 microsecond'`);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  /** The expected order, computed here: key in the direction, nulls last, ties by id in the same direction. */
  function expectedOrder(key: (i: number) => number | string | null, dir: 'asc' | 'desc'): string[] {
    const sign = dir === 'asc' ? 1 : -1;
    return ids
      .map((id, i) => ({ id, k: key(i) }))
      .sort((a, b) => {
        if (a.k === null || b.k === null) {
          if (a.k !== b.k) return a.k === null ? 1 : -1;
        } else if (a.k !== b.k) return (a.k < b.k ? -1 : 1) * sign;
        return (a.id < b.id ? -1 : 1) * sign;
      })
      .map((r) => r.id);
  }

  async function pageThrough(query: object, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(owner, query, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.leads.length).toBeLessThanOrEqual(limit);
      seen.push(...page.leads.map((l) => l.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return seen;
  }

  const micro = (i: number) => Math.floor(i / 3) * 1000 + (i % 4);
  const sorts: [string, (i: number) => number | string | null][] = [
    ['createdAt', micro],
    ['score', (i) => seeds[i]!.score],
    ['custom.budget', (i) => seeds[i]!.budget],
    ['firstName', (i) => seeds[i]!.firstName],
    ['lastName', (i) => seeds[i]!.lastName],
    ['ownerId', (i) => seeds[i]!.ownerName?.toLowerCase() ?? null],
    // Text sorts compare the first 100 characters, so the cursor stays short whatever the value's length.
    ['custom.bio', (i) => seeds[i]!.bio?.slice(0, 100) ?? null],
  ];

  for (const [field, key] of sorts) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`sorts by ${field} ${dir} with nulls last, and 25-lead pages neither skip nor repeat`, async () => {
        const query = { sort: { field, dir } };
        const full = (await list(owner, query, '&limit=200')).leads.map((l) => l.id);
        expect(full).toEqual(expectedOrder(key, dir));
        const paged = await pageThrough(query, 25);
        expect(paged).toEqual(full);
        expect(new Set(paged).size).toBe(120);
      });
    }
  }

  it('defaults to newest first, 50 a page, and refuses limits above 200 and foreign cursors', async () => {
    const first = await list(owner, {});
    expect(first.leads).toHaveLength(50);
    expect(first.leads.map((l) => l.id)).toEqual(expectedOrder(micro, 'desc').slice(0, 50));
    expect((await owner.get('/api/v1/leads?limit=201')).statusCode).toBe(400);
    const byScore = await list(owner, { sort: { field: 'score', dir: 'asc' } }, '&limit=5');
    const mixed = await owner.get(`/api/v1/leads?cursor=${byScore.nextCursor}`);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error).toMatchObject({ field: 'cursor', message: expect.stringMatching(/another sort/) });
    const forged = Buffer.from(JSON.stringify(["'; DROP TABLE leads; --", ids[0], 'createdAt:desc'])).toString('base64url');
    expect((await owner.get(`/api/v1/leads?cursor=${forged}`)).json().error.field).toBe('cursor');
    expect((await owner.get('/api/v1/leads?cursor=not-a-cursor')).statusCode).toBe(400);
  });
});

describe('count', () => {
  let t: TestApp;
  let owner: TestClient;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    workspaceId = o.workspaceId;
    await t.deps.database.db.execute(
      sql`INSERT INTO leads (workspace_id, first_name, source) SELECT ${workspaceId}::uuid, 'n' || g, 'import' FROM generate_series(1, 10000) g`,
    );
    await seedLeads(t, workspaceId, [{ firstName: 'solo', source: 'Website' }]);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const count = async (q: object) => {
    const res = await owner.get(`/api/v1/leads/count?query=${queryParam(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('is exact up to 10,000 and capped above', async () => {
    expect(await count({ filters: [{ field: 'source', op: 'eq', value: 'Website' }] })).toEqual({ count: 1, exact: true });
    expect(await count({ filters: [{ field: 'source', op: 'eq', value: 'import' }] })).toEqual({ count: 10000, exact: true });
    expect(await count({})).toEqual({ count: 10000, exact: false });
    expect(await count({ q: 'solo' })).toEqual({ count: 1, exact: true });
    expect(await count({ filters: [{ field: 'source', op: 'eq', value: 'nowhere' }] })).toEqual({ count: 0, exact: true });
  });
});

describe('record-level rule, tenant isolation, trash and bulk actions', () => {
  let t: TestApp;
  let owner: TestClient;
  let agent: TestClient;
  let manager: TestClient;
  let ownerId: string;
  let agentId: string;
  let managerId: string;
  let wsA: string;
  let wsB: string;
  let agentLeads: string[];
  let ownerLeads: string[];
  let unassigned: string;
  let bLeads: string[];
  const events: ReceivedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const o = await setUpOwner(t);
    owner = o.owner;
    ownerId = o.userId;
    wsA = o.workspaceId;
    owner.workspaceId = wsA;
    const a = await addMember(t, owner, 'agent@example.com', 'agent');
    agent = a.client;
    agentId = a.userId;
    const m = await addMember(t, owner, 'manager@example.com', 'manager');
    manager = m.client;
    managerId = m.userId;
    agentLeads = await seedLeads(t, wsA, [
      { firstName: 'agent1', ownerId: agentId, tags: ['a'] },
      { firstName: 'agent2', ownerId: agentId, tags: ['a', 'keep'] },
      { firstName: 'agent3', ownerId: agentId },
    ]);
    ownerLeads = await seedLeads(t, wsA, [
      { firstName: 'own1', ownerId, tags: ['keep'] },
      { firstName: 'own2', ownerId },
      { firstName: 'own3', ownerId },
    ]);
    [unassigned] = (await seedLeads(t, wsA, [{ firstName: 'nobody' }])) as [string];
    const created = await owner.post('/api/v1/workspaces', { name: 'Beta Insurance' });
    expect(created.statusCode).toBe(201);
    wsB = created.json().id;
    bLeads = await seedLeads(t, wsB, [
      { firstName: 'agent1', ownerId, tags: ['b'] },
      { firstName: 'beta2', ownerId },
    ]);
    t.deps.events.subscribe((e) => events.push(e));
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await t.close();
  });

  const idsOf = async (client: TestClient, query: object = {}, extra = '') => (await list(client, query, `&limit=200${extra}`)).leads.map((l) => l.id).sort();
  const bulk = (client: TestClient, body: object) => client.post('/api/v1/leads/bulk', body);
  const leadRows = (leadIds: string[]) =>
    t.deps.database.db.select().from(leads).where(inArray(leads.id, leadIds)).orderBy(asc(leads.firstName));
  const activitiesOf = (leadIds: string[], type: string) =>
    t.deps.database.db
      .select()
      .from(activities)
      .where(and(inArray(activities.leadId, leadIds), eq(activities.type, type)));
  const auditOf = (leadIds: string[], action: string) =>
    t.deps.database.db
      .select()
      .from(auditLog)
      .where(and(inArray(auditLog.entityId, leadIds), eq(auditLog.action, action)));

  it('shows an agent only their own leads in lists, searches and counts', async () => {
    expect(await idsOf(agent)).toEqual([...agentLeads].sort());
    expect(await idsOf(agent, { q: 'own1' })).toEqual([]);
    expect(await idsOf(agent, { filters: [{ field: 'ownerId', op: 'eq', value: ownerId }] })).toEqual([]);
    expect((await agent.get('/api/v1/leads/count')).json()).toEqual({ count: 3, exact: true });
    expect(await idsOf(manager)).toEqual([...agentLeads, ...ownerLeads, unassigned].sort());
    expect((await manager.get('/api/v1/leads/count')).json()).toEqual({ count: 7, exact: true });
  });

  it('never returns or counts the leads of another workspace', async () => {
    const all = await idsOf(owner);
    expect(all).toEqual([...agentLeads, ...ownerLeads, unassigned].sort());
    expect(all.some((id) => bLeads.includes(id))).toBe(false);
    expect(await idsOf(owner, { q: 'beta2' })).toEqual([]);
    expect((await owner.get('/api/v1/leads/count')).json()).toEqual({ count: 7, exact: true });
    owner.workspaceId = wsB;
    expect(await idsOf(owner)).toEqual([...bLeads].sort());
    owner.workspaceId = wsA;
  });

  it('changes nothing in another workspace when bulk-acting on its ids', async () => {
    const before = await leadRows(bLeads);
    for (const action of [{ type: 'add_tags', tags: ['x'] }, { type: 'assign', ownerId: managerId }, { type: 'delete' }]) {
      const res = await bulk(owner, { selection: { ids: bLeads }, action });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ affected: 0 });
    }
    expect(await leadRows(bLeads)).toEqual(before);
    expect(await activitiesOf(bLeads, 'field_changed')).toEqual([]);
  });

  it('lets an agent bulk-edit only their own leads, and refuses actions their role lacks', async () => {
    const res = await bulk(agent, { selection: { query: { filters: [] } }, action: { type: 'add_tags', tags: ['mine'] } });
    expect(res.json()).toEqual({ affected: 3 });
    const tagged = await t.deps.database.db.select({ id: leads.id }).from(leads).where(sql`'mine' = ANY(${leads.tags})`);
    expect(tagged.map((r) => r.id).sort()).toEqual([...agentLeads].sort());
    const onOthers = await bulk(agent, { selection: { ids: [...ownerLeads, unassigned] }, action: { type: 'add_tags', tags: ['mine'] } });
    expect(onOthers.json()).toEqual({ affected: 0 });
    expect((await bulk(agent, { selection: { ids: agentLeads }, action: { type: 'assign', ownerId: agentId } })).statusCode).toBe(403);
    expect((await bulk(agent, { selection: { ids: agentLeads }, action: { type: 'delete' } })).statusCode).toBe(403);
    await bulk(agent, { selection: { ids: agentLeads }, action: { type: 'remove_tags', tags: ['mine'] } });
  });

  it('assigns: one owner_changed timeline entry and one audit entry per lead that changed', async () => {
    const before = await leadRows([...ownerLeads, unassigned]);
    const res = await bulk(manager, { selection: { ids: [...ownerLeads, unassigned, bLeads[0]!] }, action: { type: 'assign', ownerId: agentId } });
    expect(res.json()).toEqual({ affected: 4 });
    const after = await leadRows([...ownerLeads, unassigned]);
    for (const [i, row] of after.entries()) {
      expect(row.ownerId).toBe(agentId);
      expect(row.version).toBe(before[i]!.version + 1);
      expect(row.updatedAt.getTime()).toBeGreaterThan(before[i]!.updatedAt.getTime());
    }
    const timeline = await activitiesOf([...ownerLeads, unassigned], 'owner_changed');
    expect(timeline).toHaveLength(4);
    const own1 = timeline.find((a) => a.leadId === ownerLeads[0])!;
    expect(own1).toMatchObject({ actorId: managerId, workspaceId: wsA });
    expect(own1.data).toEqual({ from: { id: ownerId, name: 'Olivia Owner' }, to: { id: agentId, name: 'agent' }, bulk: true });
    expect(timeline.find((a) => a.leadId === unassigned)!.data).toMatchObject({ from: null });
    const audit = await auditOf([...ownerLeads, unassigned], 'lead.update');
    expect(audit).toHaveLength(4);
    expect(audit.find((e) => e.entityId === ownerLeads[0])).toMatchObject({
      actorId: managerId,
      entityType: 'lead',
      oldValues: { ownerId },
      newValues: { ownerId: agentId },
    });
    // Already theirs: nothing to change, nothing written.
    expect((await bulk(manager, { selection: { ids: ownerLeads }, action: { type: 'assign', ownerId: agentId } })).json()).toEqual({ affected: 0 });
    expect(await activitiesOf(ownerLeads, 'owner_changed')).toHaveLength(3);
    await expect.poll(() => events.filter((e) => e.type === 'leads.bulk_updated').map((e) => e.data)).toContainEqual({ count: 4, action: 'assign' });
    // Give them back for the next tests.
    expect((await bulk(manager, { selection: { ids: ownerLeads }, action: { type: 'assign', ownerId } })).json()).toEqual({ affected: 3 });
    expect((await bulk(manager, { selection: { ids: [unassigned] }, action: { type: 'assign', ownerId: null } })).json()).toEqual({ affected: 1 });
    expect((await leadRows([unassigned]))[0]!.ownerId).toBeNull();
  });

  it('refuses an owner who is not an active member and a stage of another workspace', async () => {
    const bStages = await stagesOf(t, wsB);
    const cases: [object, string][] = [
      [{ type: 'assign', ownerId: '00000000-0000-4000-8000-000000000000' }, 'action.ownerId'],
      [{ type: 'set_stage', stageId: bStages[0]!.id }, 'action.stageId'],
    ];
    for (const [action, field] of cases) {
      const res = await bulk(manager, { selection: { ids: ownerLeads }, action });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    const badQuery = await bulk(manager, { selection: { query: { filters: [{ field: 'nope', op: 'eq', value: 1 }] } }, action: { type: 'delete' } });
    expect(badQuery.json().error.field).toBe('selection.query.filters.0.field');
    const badIds = await bulk(manager, { selection: { ids: ['x'] }, action: { type: 'delete' } });
    expect(badIds.statusCode).toBe(400);
  });

  it('moves matching leads to a stage, setting the pipeline, with stage_changed entries', async () => {
    const [, contacted] = await stagesOf(t, wsA);
    const res = await bulk(manager, {
      selection: { query: { filters: [{ field: 'firstName', op: 'starts_with', value: 'own' }] } },
      action: { type: 'set_stage', stageId: contacted!.id },
    });
    expect(res.json()).toEqual({ affected: 3 });
    for (const row of await leadRows(ownerLeads)) expect(row).toMatchObject({ stageId: contacted!.id, pipelineId: contacted!.pipelineId });
    const timeline = await activitiesOf(ownerLeads, 'stage_changed');
    expect(timeline.map((a) => a.data)).toEqual(Array(3).fill({ from: null, to: { id: contacted!.id, name: 'Contacted' }, bulk: true }));
    const audit = await auditOf(ownerLeads, 'lead.update');
    expect(audit.filter((e) => e.newValues?.stageId === contacted!.id)).toHaveLength(3);
    expect(audit.find((e) => e.newValues?.stageId)!.oldValues).toEqual({ stageId: null, pipelineId: null });
  });

  it('adds and removes tags keeping their order, with field_changed entries', async () => {
    const add = await bulk(manager, { selection: { ids: [ownerLeads[0]!, ownerLeads[1]!] }, action: { type: 'add_tags', tags: ['vip', 'keep', 'vip'] } });
    expect(add.json()).toEqual({ affected: 2 });
    const [own1, own2] = await leadRows([ownerLeads[0]!, ownerLeads[1]!]);
    expect(own1!.tags).toEqual(['keep', 'vip']);
    expect(own2!.tags).toEqual(['vip', 'keep']);
    const added = await activitiesOf([ownerLeads[0]!], 'field_changed');
    expect(added.at(-1)!.data).toEqual({ changes: [{ field: 'tags', old: ['keep'], new: ['keep', 'vip'] }], bulk: true });
    const remove = await bulk(manager, { selection: { query: { filters: [{ field: 'tags', op: 'in', value: ['vip'] }] } }, action: { type: 'remove_tags', tags: ['vip'] } });
    expect(remove.json()).toEqual({ affected: 2 });
    expect((await leadRows([ownerLeads[0]!]))[0]!.tags).toEqual(['keep']);
    const audit = await auditOf([ownerLeads[1]!], 'lead.update');
    expect(audit.map((e) => [e.oldValues, e.newValues])).toContainEqual([{ tags: ['vip', 'keep'] }, { tags: ['keep'] }]);
  });

  it('deletes to the trash; the trash lists newest deleted first, for trash.manage only', async () => {
    expect((await bulk(manager, { selection: { ids: [ownerLeads[2]!] }, action: { type: 'delete' } })).json()).toEqual({ affected: 1 });
    t.advanceClock(60_000);
    expect((await bulk(manager, { selection: { ids: [unassigned] }, action: { type: 'delete' } })).json()).toEqual({ affected: 1 });
    expect(await idsOf(owner)).not.toContain(unassigned);
    const trash = await list(owner, {}, '&trash=true');
    expect(trash.leads.map((l) => l.id)).toEqual([unassigned, ownerLeads[2]!]);
    expect(trash.leads.every((l) => l.deletedAt !== null)).toBe(true);
    expect((await owner.get('/api/v1/leads/count?trash=true')).json()).toEqual({ count: 2, exact: true });
    const filtered = await list(owner, { filters: [{ field: 'firstName', op: 'eq', value: 'own3' }] }, '&trash=true');
    expect(filtered.leads.map((l) => l.id)).toEqual([ownerLeads[2]!]);
    expect((await agent.get('/api/v1/leads?trash=true')).statusCode).toBe(403);
    expect((await manager.get('/api/v1/leads?trash=true')).statusCode).toBe(403);
    const [deleted] = await leadRows([unassigned]);
    expect(deleted).toMatchObject({ deletedBy: managerId });
    expect(await activitiesOf([unassigned, ownerLeads[2]!], 'deleted')).toHaveLength(2);
    const audit = await auditOf([unassigned], 'lead.delete');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.oldValues).toMatchObject({ firstName: 'nobody', ownerId: null, tags: [] });
    expect(audit[0]!.newValues).toEqual({ deletedAt: deleted!.deletedAt!.toISOString() });
    // Deleting again matches nothing: it is already in the trash.
    expect((await bulk(manager, { selection: { ids: [unassigned] }, action: { type: 'delete' } })).json()).toEqual({ affected: 0 });
  });
});
