import type { z } from 'zod';
import type { apiKey, createApiKeyRequest, createdApiKey, intakeLeadRequest, intakeLeadResponse } from '@leadflow/shared/capture';
import { writeAudit } from '../../platform/audit/audit.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { randomToken, sha256 } from '../../platform/secrets/crypto.ts';
import { createCaptureRepository, type ApiKeyRow } from './capture.repository.ts';
import { announceIngest, ingestCapturedLead } from './lead-ingest.ts';
import { emptyPerson } from './meta-field-map.ts';

type ApiKey = z.infer<typeof apiKey>;
type IntakeInput = z.infer<typeof intakeLeadRequest>;
type IntakeResult = z.infer<typeof intakeLeadResponse>;

export type IntakeCaller = { workspaceId: string; keyId: string; keyPrefix: string; scopes: string[] };

const KEY_PREFIX = 'lf_';

function toApi(k: ApiKeyRow): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** Workspace API keys and the public intake endpoint they open. */
export function createIntakeService(deps: AppDeps) {
  const db = deps.database.db;
  const repo = createCaptureRepository(db);

  return {
    async createApiKey(actor: Actor, input: z.infer<typeof createApiKeyRequest>): Promise<z.infer<typeof createdApiKey>> {
      const key = `${KEY_PREFIX}${randomToken(32)}`;
      const row = await repo.insertApiKey({
        workspaceId: actor.workspaceId,
        name: input.name,
        prefix: key.slice(0, KEY_PREFIX.length + 6),
        keyHash: sha256(key),
        scopes: input.scopes,
        createdBy: actor.userId,
        createdAt: deps.now(),
      });
      await writeAudit(db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'api_key.create', entityType: 'api_key', entityId: row.id, newValues: { name: row.name, prefix: row.prefix, scopes: row.scopes }, ip: actor.ip });
      return { ...toApi(row), key };
    },

    listApiKeys: async (actor: Actor): Promise<ApiKey[]> => (await repo.listApiKeys(actor.workspaceId)).map(toApi),

    async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
      const row = await repo.revokeApiKey(actor.workspaceId, id, deps.now());
      if (!row) throw notFound('API key');
      await writeAudit(db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'api_key.revoke', entityType: 'api_key', entityId: id, ip: actor.ip });
      return toApi(row);
    },

    /** One line of the integration log per call with a valid key. */
    async logCall(caller: IntakeCaller, call: { status: number; durationMs: number; error: string | null }): Promise<void> {
      await repo.insertLog({
        workspaceId: caller.workspaceId,
        connectionId: null,
        provider: 'intake',
        direction: 'in',
        method: 'POST',
        url: `/hooks/intake (key ${caller.keyPrefix})`,
        status: call.status,
        durationMs: call.durationMs,
        error: call.error,
        createdAt: deps.now(),
      });
    },

    /** The workspace behind `Authorization: Bearer <key>`, or null for a missing, unknown or revoked key. */
    async authenticate(authorization: string | undefined): Promise<IntakeCaller | null> {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match?.[1]?.startsWith(KEY_PREFIX)) return null;
      const row = await repo.findLiveApiKey(sha256(match[1]));
      if (!row) return null;
      await repo.touchApiKey(row.id, deps.now());
      return { workspaceId: row.workspaceId, keyId: row.id, keyPrefix: row.prefix, scopes: row.scopes };
    },

    /**
     * One lead per idempotency key: a replay answers with the lead the first request produced. Without a key
     * every request is new. A known person (same phone or email) gets a came_back activity instead.
     */
    async intakeLead(caller: IntakeCaller, input: IntakeInput, idempotencyKey: string | undefined): Promise<IntakeResult> {
      const person = emptyPerson();
      person.firstName = input.firstName?.trim() || null;
      person.lastName = input.lastName?.trim() || null;
      person.company = input.company?.trim() || null;
      person.phones = [...(input.phone ? [input.phone] : []), ...(input.phones ?? [])];
      person.emails = [...(input.email ? [input.email] : []), ...(input.emails ?? [])];
      person.city = input.city?.trim() || null;
      person.state = input.state?.trim() || null;
      person.zip = input.zip?.trim() || null;
      person.country = input.country ?? null;
      person.language = input.language ?? null;
      person.custom = input.custom ?? {};
      if (!person.firstName && !person.lastName && !person.company && !person.phones.length && !person.emails.length) {
        throw invalid('firstName', 'Give the lead a name, a company, a phone or an email');
      }
      const key = idempotencyKey ?? input.externalId ?? `auto:${randomToken(16)}`;
      const at = deps.now();
      const result = await db.transaction(async (tx) => {
        await repo.lockIdempotencyKey(tx, caller.workspaceId, key);
        const before = await repo.findIntakeRequest(tx, caller.workspaceId, key);
        if (before) return { ...before, replayed: true, ingest: null };
        const ingest = await ingestCapturedLead(tx, repo, at, {
          workspaceId: caller.workspaceId,
          origin: 'api',
          externalId: key,
          person,
          source: input.source?.trim() || 'API',
          campaign: input.campaign?.trim() || null,
          tags: input.tags ?? [],
          pipelineId: null,
          stageId: null,
          submission: { apiKeyId: caller.keyId, idempotencyKey: idempotencyKey ?? input.externalId ?? null },
        });
        const outcome: 'created' | 'came_back' = ingest.outcome === 'came_back' ? 'came_back' : 'created';
        await repo.insertIntakeRequest(tx, { workspaceId: caller.workspaceId, idempotencyKey: key, leadId: ingest.leadId, outcome, createdAt: at });
        return { leadId: ingest.leadId, outcome, replayed: ingest.outcome === 'already_ingested', ingest };
      });
      if (result.ingest) await announceIngest(deps, caller.workspaceId, result.ingest);
      return { id: result.leadId, outcome: result.outcome, replayed: result.replayed };
    },
  };
}

export type IntakeService = ReturnType<typeof createIntakeService>;
