import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { CustomFieldType } from '@leadflow/shared/leads';
import { normalizePhone, phoneSearchDigits } from '../../platform/geo/phone.ts';
import type { TestApp } from '../../test/app.ts';
import { customFields } from '../custom-fields/custom-fields.table.ts';
import { pipelineStages } from '../pipelines/pipelines.table.ts';
import { leads } from './leads.table.ts';

/** A lead row for tests: phones and emails as typed; the search columns are derived as the leads module does. */
export type LeadSeed = Omit<Partial<typeof leads.$inferInsert>, 'phones' | 'emails' | 'workspaceId'> & {
  phones?: string[];
  emails?: string[];
};

/** Inserts leads straight into the table (our real database, no mocks); returns their ids in order. */
export async function seedLeads(t: TestApp, workspaceId: string, seeds: LeadSeed[], defaultCountry = 'BR'): Promise<string[]> {
  const rows = seeds.map((s) => {
    const phones = (s.phones ?? []).map((raw) => normalizePhone(raw, defaultCountry));
    const emails = (s.emails ?? []).map((e) => e.toLowerCase());
    return {
      ...s,
      id: s.id ?? randomUUID(),
      workspaceId,
      phones: phones.map((p) => ({ raw: p.raw, e164: p.e164 })),
      phoneE164: phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
      phoneSearch: phoneSearchDigits(phones),
      emails,
      emailSearch: emails.join(' '),
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await t.deps.database.db.insert(leads).values(rows.slice(i, i + 1000));
  return rows.map((r) => r.id);
}

let nextPosition = 0;

/** Fields keep the order they were added in (their position), like the custom fields module gives them. */
export async function seedCustomField(
  t: TestApp,
  workspaceId: string,
  def: { key: string; label?: string; type: CustomFieldType; options?: string[]; deleted?: boolean },
): Promise<void> {
  await t.deps.database.db.insert(customFields).values({
    workspaceId,
    key: def.key,
    label: def.label ?? def.key,
    type: def.type,
    options: (def.options ?? []).map((value) => ({ value, label: value.toUpperCase() })),
    position: nextPosition++,
    deletedAt: def.deleted ? new Date() : null,
  });
}

/** The default pipeline's stages of a workspace, in order (New, Contacted, Qualified, Won, Lost). */
export async function stagesOf(t: TestApp, workspaceId: string) {
  return t.deps.database.db
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, workspaceId)))
    .orderBy(asc(pipelineStages.position));
}

export const queryParam = (q: object) => encodeURIComponent(JSON.stringify(q));
