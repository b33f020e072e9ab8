import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESET_KEYS } from '@leadflow/shared/presets';
import { createTestApp, PASSWORD, setUpOwner, type TestApp } from '../../test/app.ts';
import { PRESETS } from './data/index.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function count(table: string, workspaceId: string): Promise<number> {
  const { rows } = await t.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [workspaceId]);
  return rows[0]!.n;
}

async function snapshot(workspaceId: string) {
  return {
    pipelines: await count('pipelines', workspaceId),
    stages: await count('pipeline_stages', workspaceId),
    fields: await count('custom_fields', workspaceId),
    sources: await count('lead_sources', workspaceId),
    lostReasons: await count('lost_reasons', workspaceId),
    tags: await count('workspace_tags', workspaceId),
  };
}

describe('preset data files', () => {
  it('has every preset key, both languages for every text, unique field keys and an open stage per pipeline', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PRESET_KEYS].sort());
    const texts: unknown[] = [];
    const walk = (v: unknown): void => {
      if (v && typeof v === 'object' && 'en' in v && 'pt-BR' in v) texts.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    for (const preset of Object.values(PRESETS)) {
      walk(preset);
      const keys = preset.fields.map((f) => f.key);
      expect(new Set(keys).size, preset.key).toBe(keys.length);
      for (const key of keys) expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
      for (const p of preset.pipelines) expect(p.stages.some((s) => s.kind === 'open'), preset.key).toBe(true);
    }
    for (const text of texts as { en: string; 'pt-BR': string }[]) {
      expect(text.en.trim()).not.toBe('');
      expect(text['pt-BR'].trim()).not.toBe('');
    }
  });
});

describe('presets API', () => {
  it('sets up the first workspace from the Home care preset in Portuguese, with its fields, stages, sources, reasons and tags', async () => {
    const owner = t.client();
    const res = await owner.post('/api/v1/setup', {
      name: 'Olivia Owner',
      email: 'owner@example.com',
      password: PASSWORD,
      workspaceName: 'Cuidar Bem',
      locale: 'pt-BR',
      preset: 'home_care',
    });
    expect(res.statusCode).toBe(201);
    const fields = (await owner.get('/api/v1/custom-fields')).json().fields as { key: string; label: string; type: string }[];
    expect(fields.map((f) => f.key)).toEqual([
      'date_of_birth',
      'medicaid_number',
      'emergency_contact_name',
      'emergency_contact_relation',
      'emergency_contact_phone',
      'last_contact_status',
      'care_type',
    ]);
    expect(fields[0]).toMatchObject({ label: 'Data de nascimento', type: 'date' });
    const pipelines = (await owner.get('/api/v1/pipelines')).json().pipelines as { name: string; stages: { name: string; kind: string }[] }[];
    expect(pipelines.map((p) => p.name)).toEqual(['Admissão']);
    expect(pipelines[0]!.stages.map((s) => s.kind)).toEqual(['open', 'open', 'open', 'won', 'lost']);
    const sources = (await owner.get('/api/v1/lead-sources')).json().sources as { name: string; kind: string; subtypes: string[] }[];
    expect(sources[0]).toMatchObject({ name: 'Boca a boca', kind: 'word_of_mouth', subtypes: ['Família', 'Amigo', 'Médico', 'Hospital / assistente social'] });
    const tags = (await owner.get('/api/v1/tags')).json().tags as { name: string }[];
    expect(tags.map((x) => x.name)).toContain('Urgente');
    const me = (await owner.get('/api/v1/me')).json();
    expect(await count('lost_reasons', me.currentWorkspaceId)).toBe(PRESETS.home_care.lostReasons.length);
  });

  it('creates a new workspace from a preset in the creator language, and the default pipeline without one', async () => {
    const { owner } = await setUpOwner(t);
    const created = await owner.post('/api/v1/workspaces', { name: 'Casa Nova Imóveis', preset: 'real_estate' });
    expect(created.statusCode).toBe(201);
    const ws = created.json().id as string;
    owner.workspaceId = ws;
    const keys = ((await owner.get('/api/v1/custom-fields')).json().fields as { key: string }[]).map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['property_type', 'budget_range', 'area', 'buy_or_rent']));
    expect(((await owner.get('/api/v1/pipelines')).json().pipelines as { name: string }[]).map((p) => p.name)).toEqual(['Buyers and renters']);

    const plain = (await owner.post('/api/v1/workspaces', { name: 'Plain' })).json().id as string;
    expect(await snapshot(plain)).toMatchObject({ pipelines: 1, fields: 0, sources: 0, tags: 0 });

    const unknown = await owner.post('/api/v1/workspaces', { name: 'Oops', preset: 'bakery' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe('preset');
  });

  it('previews and applies a preset from settings, adding only what is missing, never duplicating on re-apply', async () => {
    const { owner, workspaceId } = await setUpOwner(t);
    // Something of the preset exists already: a field with one of its keys and a source of the same name.
    expect((await owner.post('/api/v1/custom-fields', { key: 'industry', label: 'Sector', type: 'text' })).statusCode).toBe(201);
    expect((await owner.post('/api/v1/lead-sources', { name: 'linkedin', kind: 'organic' })).statusCode).toBe(201);

    const list = (await owner.get('/api/v1/presets')).json().presets as { key: string; name: string }[];
    expect(list.map((p) => p.key)).toEqual([...PRESET_KEYS]);
    const preview = (await owner.get('/api/v1/presets/agency')).json();
    expect(preview.fields.find((f: { key: string }) => f.key === 'industry').exists).toBe(true);
    expect(preview.fields.find((f: { key: string }) => f.key === 'website').exists).toBe(false);
    expect(preview.sources.find((s: { name: string }) => s.name === 'LinkedIn').exists).toBe(true);

    const first = await owner.post('/api/v1/presets/agency/apply', {});
    expect(first.statusCode).toBe(200);
    expect(first.json().added.fields).toEqual(['website', 'company_size', 'deal_value']);
    expect(first.json().added.sources).not.toContain('LinkedIn');
    expect(first.json().added.pipelines).toEqual(['New business']);
    const after = await snapshot(workspaceId);
    expect(after.pipelines).toBe(2);

    const again = await owner.post('/api/v1/presets/agency/apply', {});
    expect(again.json().added).toEqual({ pipelines: [], fields: [], sources: [], lostReasons: [], tags: [] });
    expect(await snapshot(workspaceId)).toEqual(after);
    const field = ((await owner.get('/api/v1/custom-fields')).json().fields as { key: string; label: string }[]).find((f) => f.key === 'industry');
    expect(field!.label).toBe('Sector');

    const audit = await t.deps.database.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'workspace.preset_apply' AND workspace_id = $1", [workspaceId]);
    expect(audit.rows[0]!.n).toBe(2);
  });

  it('refuses an unknown preset and members without workspace.manage, writing nothing', async () => {
    const { owner, workspaceId } = await setUpOwner(t);
    const before = await snapshot(workspaceId);
    const unknown = await owner.post('/api/v1/presets/bakery/apply', {});
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'key' });
    const { addMember } = await import('../../test/app.ts');
    const agent = await addMember(t, owner, 'agent@example.com', 'agent');
    expect((await agent.client.post('/api/v1/presets/insurance/apply', {})).statusCode).toBe(403);
    expect(await snapshot(workspaceId)).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('documents every preset, source, event, tag and referral route with a summary', async () => {
    const spec = (await t.app.inject({ url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const expected: Record<string, string[]> = {
      '/api/v1/presets': ['get'],
      '/api/v1/presets/{key}': ['get'],
      '/api/v1/presets/{key}/apply': ['post'],
      '/api/v1/lead-sources': ['get', 'post'],
      '/api/v1/lead-sources/{id}': ['patch', 'delete'],
      '/api/v1/events': ['get', 'post'],
      '/api/v1/events/{id}': ['get', 'patch', 'delete'],
      '/api/v1/tags': ['get', 'post'],
      '/api/v1/tags/{id}': ['delete'],
      '/api/v1/leads/{id}/referral': ['get', 'put', 'delete'],
      '/api/v1/leads/{id}/referred': ['get'],
      '/api/v1/referrers': ['get'],
      '/api/v1/reports/referrers': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = spec.paths[path]?.[method];
        expect(op?.summary, `${method} ${path}`).toBeTruthy();
        expect(op?.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });
});
