import type { z } from 'zod';
import { UTM_PARAMETERS, type createWebFormRequest, type updateWebFormRequest, type WebForm, type WebFormSubmission } from '@leadflow/shared/web-forms';
import { diffValues, writeAudit } from '../../platform/audit/audit.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { Actor, AppDeps } from '../../platform/http/types.ts';
import { randomToken, sha256 } from '../../platform/secrets/crypto.ts';
import { createCaptureRepository } from '../capture/capture.repository.ts';
import { announceIngest, ingestCapturedLead, type CapturedLead } from '../capture/lead-ingest.ts';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import type { CustomFieldDefinition } from '../custom-fields/custom-values.ts';
import type { LeadsService } from '../leads/leads.service.ts';
import { createPipelinesRepository } from '../pipelines/pipelines.repository.ts';
import { checkAnswers, isOfferedCustomType, isStandardField, resolveFields, type FieldError, type ResolvedField, type SubmissionBody } from './web-form-fields.ts';
import { embedSnippets, type FormPage, type PageContext } from './web-form-page.ts';
import { formTexts, type FormTexts } from './web-form-texts.ts';
import { issueFormToken, openFormToken } from './web-form-token.ts';
import { createWebFormsRepository, type WebFormRow, type WebFormStats, type WebFormSubmissionRow } from './web-forms.repository.ts';
import type { WebFormAttribution } from './web-forms.table.ts';

type CreateInput = z.infer<typeof createWebFormRequest>;
type UpdateInput = z.infer<typeof updateWebFormRequest>;

/** Submissions one client address may send to one form per minute. */
export const SUBMISSIONS_PER_MINUTE = 10;
const RATE_WINDOW_MS = 60_000;
const DEFAULT_SOURCE = 'Web form';
const PURGE_THROTTLE_JOB = 'web-forms.purge-throttle';
const PURGE_THROTTLE_CRON = '23 * * * *';

/** A public form with what its page needs. */
export type PublicFormView = {
  form: WebFormRow;
  fields: ResolvedField[];
  definitions: CustomFieldDefinition[];
  texts: FormTexts;
  page: FormPage;
};

export type SubmitOutcome =
  | { kind: 'unavailable'; texts: FormTexts; publicId: string }
  | { kind: 'rate_limited'; view: PublicFormView }
  | { kind: 'invalid'; view: PublicFormView; errors: FieldError[] }
  /** Also what a spam-flagged submission gets: the bot must not learn it was caught. */
  | { kind: 'accepted'; view: PublicFormView; leadId: string | null };

const str = (v: SubmissionBody[string] | undefined, max: number): string => {
  const s = Array.isArray(v) ? (v[0] ?? '') : v === undefined || v === null ? '' : String(v);
  return s.trim().slice(0, max);
};

const httpUrl = (s: string): string => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : '';
  } catch {
    return '';
  }
};

/** Where the visitor came from, as the page recorded it: UTM tags, the page's address and its referrer. */
export function attributionOf(body: SubmissionBody): WebFormAttribution {
  const out: WebFormAttribution = {};
  const utmKeys = { utm_source: 'utmSource', utm_medium: 'utmMedium', utm_campaign: 'utmCampaign', utm_term: 'utmTerm', utm_content: 'utmContent' } as const;
  for (const k of UTM_PARAMETERS) {
    const v = str(body[k], 200);
    if (v) out[utmKeys[k]] = v;
  }
  const page = httpUrl(str(body._page, 2000));
  if (page) out.pageUrl = page;
  const ref = httpUrl(str(body._ref, 2000));
  if (ref) out.referrer = ref;
  return out;
}

/** The hidden context of a page being served again (after an error): the same token, so the clock is not reset. */
export function contextOf(body: SubmissionBody): PageContext {
  const utm: PageContext['utm'] = {};
  for (const k of UTM_PARAMETERS) {
    const v = str(body[k], 200);
    if (v) utm[k] = v;
  }
  return { token: str(body._token, 500), embed: str(body._embed, 1) === '1', page: str(body._page, 2000), ref: str(body._ref, 2000), utm };
}

function toSubmission(row: WebFormSubmissionRow, formName: string): WebFormSubmission {
  const a = row.attribution;
  return {
    id: row.id,
    formId: row.formId,
    formName,
    leadId: row.leadId,
    outcome: row.outcome ?? 'created',
    answers: row.answers,
    utmSource: a.utmSource ?? null,
    utmMedium: a.utmMedium ?? null,
    utmCampaign: a.utmCampaign ?? null,
    utmTerm: a.utmTerm ?? null,
    utmContent: a.utmContent ?? null,
    pageUrl: a.pageUrl ?? null,
    referrer: a.referrer ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Web forms: admins build them; visitors fill them on their hosted page or in a frame on any site. */
export function createWebFormsService(deps: AppDeps, services: { customFields: CustomFieldsService; leads: LeadsService }) {
  const db = deps.database.db;
  const repo = createWebFormsRepository(db);
  const capture = createCaptureRepository(db);
  const pipelines = createPipelinesRepository(db);
  const baseUrl = deps.config.publicUrl;

  function toApi(row: WebFormRow, stats: WebFormStats | undefined): WebForm {
    return {
      id: row.id,
      publicId: row.publicId,
      name: row.name,
      title: row.title,
      intro: row.intro,
      fields: row.fields,
      consentText: row.consentText,
      submitLabel: row.submitLabel,
      successMessage: row.successMessage,
      redirectUrl: row.redirectUrl,
      source: row.source,
      campaign: row.campaign,
      tags: row.tags,
      stageId: row.stageId,
      active: row.active,
      allowedOrigins: row.allowedOrigins,
      minSecondsToSubmit: row.minSecondsToSubmit,
      hostedUrl: `${baseUrl}/f/${row.publicId}`,
      embed: embedSnippets(baseUrl, row.publicId, row.title ?? row.name),
      submissionCount: stats?.submissionCount ?? 0,
      lastSubmissionAt: stats?.lastSubmissionAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function withStats(actor: Actor, row: WebFormRow): Promise<WebForm> {
    return toApi(row, (await repo.stats(actor.workspaceId, [row.id])).get(row.id));
  }

  /** Custom fields must exist, be live and be of a kind a page can ask; the stage must be a live one of this workspace. */
  async function checkReferences(workspaceId: string, input: { fields?: { key: string }[] | undefined; stageId?: string | null | undefined }): Promise<void> {
    if (input.fields?.some((f) => !isStandardField(f.key))) {
      const defs = new Map((await services.customFields.definitionsForValues(workspaceId)).map((d) => [d.key, d]));
      input.fields.forEach((f, i) => {
        if (isStandardField(f.key)) return;
        const def = defs.get(f.key.slice('custom.'.length));
        if (!def || def.deletedAt) throw invalid(`fields.${i}.key`, 'No such custom field');
        if (!isOfferedCustomType(def.type)) throw invalid(`fields.${i}.key`, 'A web form cannot ask for this type of field');
      });
    }
    if (input.stageId) {
      const stage = await pipelines.findStage(workspaceId, input.stageId);
      if (!stage || stage.archivedAt) throw invalid('stageId', 'No such stage');
    }
  }

  async function log(view: { form: WebFormRow }, status: number, error: string): Promise<void> {
    await capture.insertLog({
      workspaceId: view.form.workspaceId,
      provider: 'web_form',
      direction: 'in',
      method: 'POST',
      url: `${baseUrl}/f/${view.form.publicId}`,
      status,
      durationMs: null,
      error: `${view.form.name}: ${error}`,
      createdAt: deps.now(),
    });
  }

  async function publicForm(publicId: string): Promise<PublicFormView | null> {
    const found = await repo.findPublicForm(publicId);
    if (!found) return null;
    const { form, locale, defaultCountry } = found;
    const definitions = form.fields.some((f) => !isStandardField(f.key)) ? await services.customFields.definitionsForValues(form.workspaceId) : [];
    const fields = resolveFields(form.fields, definitions);
    return {
      form,
      fields,
      definitions,
      texts: formTexts(locale),
      page: {
        publicId: form.publicId,
        title: form.title,
        intro: form.intro,
        name: form.name,
        fields,
        consentText: form.consentText,
        submitLabel: form.submitLabel,
        defaultCountry,
      },
    };
  }

  return {
    async listForms(actor: Actor): Promise<WebForm[]> {
      const rows = await repo.listForms(actor.workspaceId);
      const stats = await repo.stats(
        actor.workspaceId,
        rows.map((r) => r.id),
      );
      return rows.map((r) => toApi(r, stats.get(r.id)));
    },

    async getForm(actor: Actor, id: string): Promise<WebForm> {
      const row = await repo.findForm(actor.workspaceId, id);
      if (!row) throw notFound('Web form');
      return withStats(actor, row);
    },

    async createForm(actor: Actor, input: CreateInput): Promise<WebForm> {
      await checkReferences(actor.workspaceId, input);
      const at = deps.now();
      const row = await db.transaction(async (tx) => {
        const created = await repo.insertForm(tx, {
          ...input,
          workspaceId: actor.workspaceId,
          publicId: randomToken(12),
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
        });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'web_form.create',
          entityType: 'web_form',
          entityId: created.id,
          newValues: { name: created.name, fields: created.fields.map((f) => f.key), active: created.active },
          ip: actor.ip,
        });
        return created;
      });
      return toApi(row, undefined);
    },

    async updateForm(actor: Actor, id: string, patch: UpdateInput): Promise<WebForm> {
      await checkReferences(actor.workspaceId, patch);
      const row = await db.transaction(async (tx) => {
        const before = await repo.findForm(actor.workspaceId, id, tx);
        if (!before) throw notFound('Web form');
        const updated = await repo.updateForm(tx, actor.workspaceId, id, { ...patch, updatedAt: deps.now() });
        const diff = diffValues(before as unknown as Record<string, unknown>, patch as Record<string, unknown>);
        if (diff) {
          await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'web_form.update', entityType: 'web_form', entityId: id, ...diff, ip: actor.ip });
        }
        return updated!;
      });
      return withStats(actor, row);
    },

    async deleteForm(actor: Actor, id: string): Promise<WebForm> {
      const row = await db.transaction(async (tx) => {
        const deleted = await repo.deleteForm(tx, actor.workspaceId, id);
        if (!deleted) throw notFound('Web form');
        await writeAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'web_form.delete', entityType: 'web_form', entityId: id, oldValues: { name: deleted.name }, ip: actor.ip });
        return deleted;
      });
      // Its submissions went with it; the leads they made stay.
      return toApi(row, undefined);
    },

    async formSubmissions(actor: Actor, formId: string, q: { cursor?: string | undefined; limit: number }): Promise<{ submissions: WebFormSubmission[]; nextCursor: string | null }> {
      const form = await repo.findForm(actor.workspaceId, formId);
      if (!form) throw notFound('Web form');
      let before: { createdAt: Date; id: string } | null = null;
      if (q.cursor) {
        const [at, sid] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
        const date = new Date(at ?? '');
        if (!sid || Number.isNaN(date.getTime())) throw invalid('cursor', 'Not a cursor from this list');
        before = { createdAt: date, id: sid };
      }
      const rows = await repo.submissionsOfForm(actor.workspaceId, formId, before, q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        submissions: page.map((r) => toSubmission(r.submission, r.formName)),
        nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.submission.createdAt.toISOString()}|${last.submission.id}`).toString('base64url') : null,
      };
    },

    /** The web form submissions of a lead the actor may see (the record-level rule applies: 404 otherwise). */
    async leadSubmissions(actor: Actor, leadId: string): Promise<WebFormSubmission[]> {
      await services.leads.getLead(actor, leadId);
      return (await repo.submissionsOfLead(actor.workspaceId, leadId)).map((r) => toSubmission(r.submission, r.formName));
    },

    // Public side

    publicForm,

    issueToken: (view: PublicFormView) => issueFormToken(deps.cipher, view.form.id, deps.now()),

    /**
     * A visitor's submission: counted against the address's rate limit, validated (a person who hurries past an
     * empty required field sees the error, not a silent "thank you"), checked for bots (honeypot, time since the
     * page was served, a genuine token), then ingested exactly once per served page.
     */
    async submit(publicId: string, body: SubmissionBody, client: { ip: string }): Promise<SubmitOutcome> {
      const view = await publicForm(publicId);
      if (!view) return { kind: 'unavailable', texts: formTexts(null), publicId };
      const { form } = view;
      if (!form.active) {
        await log(view, 404, 'rejected: the form is turned off');
        return { kind: 'unavailable', texts: view.texts, publicId };
      }
      const at = deps.now();
      const hits = await repo.countHit(form.id, sha256(client.ip), at, RATE_WINDOW_MS);
      if (hits > SUBMISSIONS_PER_MINUTE) {
        // Logged once per window, so a flood does not flood the log too.
        if (hits === SUBMISSIONS_PER_MINUTE + 1) await log(view, 429, `rate limited: more than ${SUBMISSIONS_PER_MINUTE} submissions in a minute from one address`);
        return { kind: 'rate_limited', view };
      }
      const checked = await checkAnswers(view.fields, view.definitions, body, form.consentText, view.page.defaultCountry, view.texts);
      if (!checked.ok) {
        await log(view, 400, `invalid: ${checked.errors.map((e) => e.field).join(', ')}`);
        return { kind: 'invalid', view, errors: checked.errors };
      }
      if (str(body.website, 2000)) {
        await log(view, 200, 'spam: the hidden honeypot field was filled');
        return { kind: 'accepted', view, leadId: null };
      }
      const token = openFormToken(deps.cipher, form.id, body._token);
      if (form.minSecondsToSubmit > 0) {
        if (!token) {
          await log(view, 200, 'spam: no valid form token (the page was not loaded, or the token was altered)');
          return { kind: 'accepted', view, leadId: null };
        }
        const seconds = (at.getTime() - token.issuedAt) / 1000;
        if (seconds < form.minSecondsToSubmit) {
          await log(view, 200, `spam: sent ${Math.max(0, seconds).toFixed(1)} s after the page loaded (minimum ${form.minSecondsToSubmit} s)`);
          return { kind: 'accepted', view, leadId: null };
        }
      }

      const attribution = attributionOf(body);
      const nonce = token?.nonce ?? randomToken(12);

      const result = await db.transaction(async (tx) => {
        const claimed = await repo.claimSubmission(tx, {
          workspaceId: form.workspaceId,
          formId: form.id,
          nonce,
          answers: checked.value.answers,
          attribution,
          createdAt: at,
        });
        // This page was submitted already (double click, back and resend): the first submission counts.
        if (!claimed) return null;
        const lead: CapturedLead = {
          workspaceId: form.workspaceId,
          origin: 'web_form',
          externalId: claimed.id,
          person: checked.value.person,
          source: form.source ?? DEFAULT_SOURCE,
          campaign: form.campaign ?? attribution.utmCampaign ?? null,
          tags: form.tags,
          pipelineId: null,
          stageId: form.stageId,
          submission: {
            submissionId: claimed.id,
            formId: form.id,
            formName: form.name,
            formAnswers: checked.value.answers,
            ...attribution,
            ...(form.consentText ? { consentText: form.consentText } : {}),
          },
        };
        const ingest = await ingestCapturedLead(tx, capture, at, lead);
        await repo.settleSubmission(tx, claimed.id, ingest.leadId, ingest.outcome === 'came_back' ? 'came_back' : 'created');
        return ingest;
      });
      if (result) await announceIngest(deps, form.workspaceId, result);
      return { kind: 'accepted', view, leadId: result?.leadId ?? null };
    },

    async purgeThrottle(): Promise<number> {
      return repo.purgeThrottle(new Date(deps.now().getTime() - 60 * 60 * 1000));
    },
  };
}

export type WebFormsService = ReturnType<typeof createWebFormsService>;

export async function registerWebFormJobs(deps: AppDeps, webForms: WebFormsService): Promise<void> {
  await deps.jobs.register(PURGE_THROTTLE_JOB, async () => {
    await webForms.purgeThrottle();
  });
  if (deps.config.jobsEnabled) await deps.jobs.schedule(PURGE_THROTTLE_JOB, PURGE_THROTTLE_CRON);
}
