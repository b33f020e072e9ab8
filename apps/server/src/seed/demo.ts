import crypto from 'node:crypto';
import { BUILT_IN_ROLES } from '@leadflow/shared/permissions';
import { writeAudit } from '../platform/audit/audit.ts';
import { hashPassword } from '../platform/auth/password.ts';
import { loadConfig } from '../platform/config.ts';
import { openDatabase, type Database } from '../platform/db/client.ts';
import { normalizePhone, phoneSearchDigits } from '../platform/geo/phone.ts';
import { timeZoneFromLocation } from '../platform/geo/time-zone.ts';
import { createAccountsRepository } from '../modules/accounts/accounts.repository.ts';
import { createCustomFieldsRepository } from '../modules/custom-fields/custom-fields.repository.ts';
import { createLeadsRepository, type ActivityInsert, type LeadInsert } from '../modules/leads/leads.repository.ts';
import type { LeadPhone } from '../modules/leads/leads.table.ts';
import { createPipelinesRepository } from '../modules/pipelines/pipelines.repository.ts';
import { createWorkspaceRecords } from '../modules/workspaces/workspace-records.ts';
import { createWorkspacesRepository } from '../modules/workspaces/workspaces.repository.ts';

const DEMO_SLUG = 'demo-realty';
const PEOPLE: Record<(typeof BUILT_IN_ROLES)[number], string> = {
  owner: 'Olivia Owner',
  admin: 'Adam Admin',
  manager: 'Maria Manager',
  agent: 'Alex Agent',
  lead_generator: 'Gabi Generator',
  marketing: 'Mark Marketing',
  production: 'Paula Production',
  viewer: 'Victor Viewer',
};
/** More agents than one, so lists, boards and reports have someone to compare. */
const EXTRA_AGENTS = [
  { email: 'agent-2@demo.leadflow.test', name: 'Beatriz Santos' },
  { email: 'agent-3@demo.leadflow.test', name: 'Chris Miller' },
];

/**
 * Fills a "Demo Realty" workspace with one user per built-in role so a new user can look around.
 * The password is random and printed once: there is no default password anywhere.
 */
export async function seedDemo(
  database: Database,
  password: string,
): Promise<{ workspaceId: string; emails: string[]; agentIds: string[]; managerIds: string[] }> {
  const db = database.db;
  const accounts = createAccountsRepository(db);
  const workspaces = createWorkspacesRepository(db);
  const existing = await workspaces.findWorkspaceBySlug(DEMO_SLUG);
  if (existing) throw new Error(`The demo workspace exists already (${DEMO_SLUG}); nothing to do.`);
  const passwordHash = await hashPassword(password);
  const emails: string[] = [];
  const agentIds: string[] = [];
  const managerIds: string[] = [];
  const workspaceId = await db.transaction(async (tx) => {
    const users = new Map<string, string>();
    for (const key of BUILT_IN_ROLES) {
      const email = `${key.replace('_', '-')}@demo.leadflow.test`;
      const found = await accounts.findUserByEmail(email, tx);
      const user = found ?? (await accounts.insertUser(tx, { email, name: PEOPLE[key], passwordHash }));
      users.set(key, user.id);
      emails.push(email);
    }
    const ws = await createWorkspaceRecords(workspaces, tx, users.get('owner')!, { name: 'Demo Realty', slug: DEMO_SLUG });
    for (const key of BUILT_IN_ROLES) {
      if (key === 'owner') continue;
      const role = await workspaces.findRoleByKey(ws.id, key, tx);
      await workspaces.insertMembership(tx, { workspaceId: ws.id, userId: users.get(key)!, roleId: role!.id, status: 'active', approvedBy: users.get('owner')! });
    }
    const agentRole = await workspaces.findRoleByKey(ws.id, 'agent', tx);
    agentIds.push(users.get('agent')!);
    for (const extra of EXTRA_AGENTS) {
      const user = (await accounts.findUserByEmail(extra.email, tx)) ?? (await accounts.insertUser(tx, { email: extra.email, name: extra.name, passwordHash }));
      await workspaces.insertMembership(tx, { workspaceId: ws.id, userId: user.id, roleId: agentRole!.id, status: 'active', approvedBy: users.get('owner')! });
      agentIds.push(user.id);
      emails.push(extra.email);
    }
    managerIds.push(users.get('manager')!);
    await writeAudit(tx, { workspaceId: ws.id, actorId: null, action: 'workspace.seed_demo', entityType: 'workspace', entityId: ws.id });
    return ws.id;
  });
  return { workspaceId, emails, agentIds, managerIds };
}

const FIRST_NAMES = {
  en: ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan', 'Richard', 'Jessica', 'Thomas', 'Sarah', 'Daniel', 'Karen', 'Matthew', 'Emily'],
  pt: ['João', 'Maria', 'José', 'Ana', 'Francisco', 'Juliana', 'Carlos', 'Márcia', 'Paulo', 'Fernanda', 'Lucas', 'Patrícia', 'Pedro', 'Aline', 'Rafael', 'Camila', 'Gabriel', 'Letícia', 'Thiago', 'Beatriz'],
};
const LAST_NAMES = {
  en: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin', 'Jackson', 'Lee'],
  pt: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Araújo', 'Melo'],
};
/** City, state and the area codes people there have. */
const PLACES = {
  BR: [
    { city: 'São Paulo', state: 'SP', areas: ['11'] },
    { city: 'Campinas', state: 'SP', areas: ['19'] },
    { city: 'Rio de Janeiro', state: 'RJ', areas: ['21'] },
    { city: 'Belo Horizonte', state: 'MG', areas: ['31'] },
    { city: 'Curitiba', state: 'PR', areas: ['41'] },
    { city: 'Porto Alegre', state: 'RS', areas: ['51'] },
    { city: 'Salvador', state: 'BA', areas: ['71'] },
    { city: 'Recife', state: 'PE', areas: ['81'] },
    { city: 'Brasília', state: 'DF', areas: ['61'] },
  ],
  US: [
    { city: 'Miami', state: 'FL', areas: ['305', '786'] },
    { city: 'Orlando', state: 'FL', areas: ['407'] },
    { city: 'Austin', state: 'TX', areas: ['512'] },
    { city: 'Houston', state: 'TX', areas: ['713', '832'] },
    { city: 'New York', state: 'NY', areas: ['212', '646'] },
    { city: 'Boston', state: 'MA', areas: ['617'] },
    { city: 'San Diego', state: 'CA', areas: ['619'] },
    { city: 'Chicago', state: 'IL', areas: ['312'] },
  ],
};
const SOURCES = [
  { source: 'Facebook', origin: 'meta', weight: 30 },
  { source: 'Website', origin: 'web_form', weight: 20 },
  { source: 'Referral', origin: 'manual', weight: 12 },
  { source: 'Walk-in', origin: 'manual', weight: 8 },
  { source: 'Google Ads', origin: 'web_form', weight: 15 },
  { source: 'WhatsApp', origin: 'whatsapp', weight: 15 },
];
const TAGS = ['vip', 'investor', 'first-time buyer', 'relocation', 'cash buyer', 'financing'];
const PROPERTY_TYPES = [
  { value: 'apartment', label: 'Apartment' },
  { value: 'house', label: 'House' },
  { value: 'condo', label: 'Condo' },
  { value: 'land', label: 'Land' },
  { value: 'commercial', label: 'Commercial' },
];
const LOST_REASONS = ['Price too high', 'Bought with another agency', 'Stopped answering', 'Financing refused'];
const NOTES = {
  en: [
    'Called, wants a 3-bedroom near good schools. Will send listings.',
    'Visited the property on Saturday; liked it but finds the price high.',
    'Asked for financing options, sent the bank simulation by email.',
    'No answer twice, left a voicemail.',
  ],
  pt: [
    'Liguei, procura apartamento de 2 quartos perto do metrô.',
    'Visitou o imóvel no sábado, gostou mas achou o condomínio caro.',
    'Pediu simulação de financiamento; enviei por WhatsApp.',
    'Não atendeu, mandei mensagem no WhatsApp.',
  ],
};
const DAY_MS = 24 * 3600 * 1000;
const BATCH = 500;

/** A small seeded generator: the same demo data on every run. */
function randomSource(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  return { next, int, pick, digits };
}

const asciiLower = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * About 3,000 leads for the demo workspace: English and Brazilian names, valid BR/US phones, sources, places,
 * owners among the agents and managers, stages, tags, two custom fields, a created activity each and some notes.
 * Inserted with multi-row statements so it takes seconds even on the embedded database.
 */
export async function seedDemoLeads(
  database: Database,
  workspaceId: string,
  people: { agentIds: string[]; managerIds: string[]; count?: number },
): Promise<{ leads: number; notes: number }> {
  const db = database.db;
  const rnd = randomSource(20250301);
  const leadsRepo = createLeadsRepository(db);
  const fieldsRepo = createCustomFieldsRepository(db);
  const [sales] = await createPipelinesRepository(db).listPipelinesWithStages(workspaceId);
  if (!sales) throw new Error('The demo workspace has no pipeline');
  const stageByName = new Map(sales.stages.map((s) => [s.name, s]));
  const stagePlan: [string, number][] = [['New', 35], ['Contacted', 25], ['Qualified', 20], ['Won', 10], ['Lost', 10]];
  const weighted = <T>(items: [T, number][]): T => {
    let r = rnd.next() * items.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1]![0];
  };
  const zones = new Map<string, string | null>();
  const zoneOf = (country: string, state: string) => {
    const k = `${country}/${state}`;
    if (!zones.has(k)) zones.set(k, timeZoneFromLocation(country, state));
    return zones.get(k)!;
  };
  const validPhone = (country: 'BR' | 'US', area: string): LeadPhone => {
    for (;;) {
      const raw = country === 'BR' ? `(${area}) 9${rnd.int(6, 9)}${rnd.digits(3)}-${rnd.digits(4)}` : `(${area}) ${rnd.int(2, 9)}${rnd.digits(2)}-${rnd.digits(4)}`;
      const phone = normalizePhone(raw, country);
      if (phone.e164) return { raw, e164: phone.e164 };
    }
  };

  const count = people.count ?? 3000;
  const now = Date.now();
  const owners: [string | null, number][] = [...people.agentIds.map((id): [string, number] => [id, 28]), ...people.managerIds.map((id): [string, number] => [id, 8]), [null, 6]];
  const leads: LeadInsert[] = [];
  const activities: ActivityInsert[] = [];
  for (let i = 0; i < count; i++) {
    const country = rnd.next() < 0.65 ? 'BR' : 'US';
    const lang = country === 'BR' ? 'pt' : 'en';
    const firstName = rnd.pick(FIRST_NAMES[lang]);
    const lastName = rnd.pick(LAST_NAMES[lang]);
    const place = rnd.pick(PLACES[country]);
    const phones = [validPhone(country, rnd.pick(place.areas))];
    if (rnd.next() < 0.1) phones.push({ ...validPhone(country, rnd.pick(place.areas)), label: 'work' });
    const emails = rnd.next() < 0.8 ? [`${asciiLower(firstName)}.${asciiLower(lastName)}${rnd.int(1, 999)}@${rnd.pick(['example.com', 'example.net', 'example.org'])}`] : [];
    const source = weighted(SOURCES.map((s): [(typeof SOURCES)[number], number] => [s, s.weight]));
    const stage = stageByName.get(weighted(stagePlan))!;
    const createdAt = new Date(now - rnd.int(0, 180 * DAY_MS));
    const lastActivityAt = new Date(Math.min(now, createdAt.getTime() + rnd.int(0, 20 * DAY_MS)));
    const ownerId = weighted(owners);
    const tags = [...new Set(Array.from({ length: rnd.int(0, 2) }, () => rnd.pick(TAGS)))];
    const custom: Record<string, unknown> = {};
    if (rnd.next() < 0.7) custom.budget = country === 'BR' ? rnd.int(30, 250) * 10_000 : rnd.int(15, 120) * 10_000;
    if (rnd.next() < 0.75) custom.property_type = rnd.pick(PROPERTY_TYPES).value;
    const id = crypto.randomUUID();
    leads.push({
      id,
      workspaceId,
      firstName,
      lastName,
      phones,
      phoneE164: phones.map((p) => p.e164!),
      phoneSearch: phoneSearchDigits(phones),
      emails,
      emailSearch: emails.join(' '),
      source: source.source,
      campaign: source.source === 'Facebook' || source.source === 'Google Ads' ? rnd.pick(['Spring launch', 'Beachfront', 'First home']) : null,
      city: place.city,
      state: place.state,
      country,
      timeZone: zoneOf(country, place.state),
      tags,
      ownerId,
      pipelineId: sales.id,
      stageId: stage.id,
      stagePosition: i,
      score: rnd.next() < 0.6 ? rnd.int(5, 95) : null,
      nextFollowUpAt: stage.kind === 'open' && rnd.next() < 0.5 ? new Date(now + rnd.int(-3, 14) * DAY_MS) : null,
      lostReason: stage.kind === 'lost' ? rnd.pick(LOST_REASONS) : null,
      custom,
      origin: source.origin,
      createdAt,
      updatedAt: lastActivityAt,
      lastActivityAt,
    });
    activities.push({ workspaceId, leadId: id, type: 'created', actorId: null, data: { origin: source.origin, source: source.source }, mentions: [], createdAt });
    if (ownerId && rnd.next() < 0.12) {
      const mention = rnd.next() < 0.3 ? people.managerIds[0] : undefined;
      const body = `${rnd.pick(NOTES[lang])}${mention ? ` @[${PEOPLE.manager}](user:${mention})` : ''}`;
      activities.push({ workspaceId, leadId: id, type: 'note', actorId: ownerId, data: { body }, mentions: mention ? [mention] : [], createdAt: lastActivityAt });
    }
  }

  await db.transaction(async (tx) => {
    await fieldsRepo.insertField(tx, { workspaceId, key: 'budget', label: 'Budget', type: 'money', required: false, options: [], helpText: 'What they can spend', position: 0 });
    await fieldsRepo.insertField(tx, { workspaceId, key: 'property_type', label: 'Property type', type: 'select', required: false, options: PROPERTY_TYPES, helpText: null, position: 1 });
    for (let i = 0; i < leads.length; i += BATCH) await leadsRepo.insertLeads(tx, leads.slice(i, i + BATCH));
    for (let i = 0; i < activities.length; i += BATCH) await leadsRepo.insertActivities(tx, activities.slice(i, i + BATCH));
    await writeAudit(tx, { workspaceId, actorId: null, action: 'workspace.seed_demo_leads', entityType: 'workspace', entityId: workspaceId, newValues: { leads: leads.length } });
  });
  return { leads: leads.length, notes: activities.length - leads.length };
}

async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const password = process.env.DEMO_PASSWORD ?? crypto.randomBytes(9).toString('base64url');
    const { workspaceId, emails, agentIds, managerIds } = await seedDemo(database, password);
    const { leads } = await seedDemoLeads(database, workspaceId, { agentIds, managerIds });
    console.log(`Demo workspace "Demo Realty" is ready with ${leads} leads. Sign in with any of these accounts:`);
    for (const e of emails) console.log(`  ${e}`);
    console.log(`Password for all of them: ${password}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
