import type { DbOrTx } from '../../platform/db/client.ts';
import { conflict } from '../../platform/errors.ts';
import { randomToken } from '../../platform/secrets/crypto.ts';
import type { PresetKey } from '@leadflow/shared/presets';
import { insertDefaultPipeline } from '../pipelines/pipelines.repository.ts';
import { applyPresetRecords } from '../presets/presets.service.ts';
import type { WorkspacesRepository } from './workspaces.repository.ts';

/** A URL-safe address for a workspace, from its name; sign-ups use it to ask to join. */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return base.length >= 2 ? base : `ws-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** Creates a workspace with its built-in roles and the creator as its active owner. */
export async function createWorkspaceRecords(
  repo: WorkspacesRepository,
  tx: DbOrTx,
  ownerId: string,
  input: { name: string; slug?: string | undefined; timeZone?: string | undefined; locale?: string | undefined; preset?: PresetKey | undefined },
) {
  let slug = input.slug ?? slugify(input.name);
  if (await repo.slugExists(slug, tx)) {
    if (input.slug) throw conflict('This workspace address is taken', 'slug');
    slug = `${slug.slice(0, 40)}-${Math.random().toString(36).slice(2, 6)}`;
  }
  const ws = await repo.insertWorkspace(tx, {
    name: input.name,
    slug,
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
  });
  const roles = await repo.insertBuiltInRoles(tx, ws.id);
  await repo.insertMembership(tx, { workspaceId: ws.id, userId: ownerId, roleId: roles.get('owner')!.id, status: 'active', approvedBy: ownerId });
  // A preset brings its own pipelines (Blank: one sales pipeline), in the workspace's language.
  if (input.preset) await applyPresetRecords(tx, ws.id, input.preset, ws.locale === 'pt-BR' ? 'pt-BR' : 'en');
  else await insertDefaultPipeline(tx, ws.id);
  return ws;
}
