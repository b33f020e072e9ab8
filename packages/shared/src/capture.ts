import { z } from 'zod';
import { leadLanguage } from './leads.ts';

const graphId = z.string().trim().regex(/^\d{1,30}$/, 'Use the numeric id Meta shows');

/** Lead fields a form answer can fill; `custom.<key>` fills a custom field, `answer` keeps it only as a form answer. */
export const MAPPABLE_LEAD_FIELDS = ['fullName', 'firstName', 'lastName', 'company', 'email', 'phone', 'city', 'state', 'zip', 'country', 'language'] as const;
export type MappableLeadField = (typeof MAPPABLE_LEAD_FIELDS)[number];

/** Meta's standard questions, mapped without any set-up (a form's own mapping overrides them). */
export const AUTOMATIC_FIELD_MAP: Readonly<Record<string, MappableLeadField>> = {
  full_name: 'fullName',
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  phone_number: 'phone',
  city: 'city',
  state: 'state',
  zip_code: 'zip',
  post_code: 'zip',
  country: 'country',
  company_name: 'company',
  language: 'language',
  preferred_language: 'language',
};

export const createMetaConnectionRequest = z
  .object({
    pageId: graphId,
    appId: graphId,
    appSecret: z.string().trim().min(8, 'App secret is too short').max(200),
    pageAccessToken: z.string().trim().min(10, 'Page access token is too short').max(2000),
    /** Generated when absent; you paste it into the app's webhook settings at Meta. */
    verifyToken: z.string().trim().min(8, 'Use at least 8 characters').max(200).optional(),
    graphVersion: z.string().regex(/^v\d{2}\.0$/, 'Like v26.0').optional(),
  })
  .strict();

export const updateMetaConnectionRequest = z
  .object({
    appId: graphId.optional(),
    appSecret: z.string().trim().min(8, 'App secret is too short').max(200).optional(),
    pageAccessToken: z.string().trim().min(10, 'Page access token is too short').max(2000).optional(),
    verifyToken: z.string().trim().min(8, 'Use at least 8 characters').max(200).optional(),
    graphVersion: z.string().regex(/^v\d{2}\.0$/, 'Like v26.0').optional(),
  })
  .strict();

/** A connection as the API shows it: never its secrets. */
export const metaConnection = z.object({
  id: z.string(),
  pageId: z.string(),
  pageName: z.string().nullable(),
  appId: z.string(),
  verifyToken: z.string(),
  webhookUrl: z.string(),
  status: z.enum(['active', 'broken']),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastPolledAt: z.string().nullable(),
  /** Graph rate-limited this page: lead fetches wait until then. */
  throttledUntil: z.string().nullable(),
  graphVersion: z.string(),
  leadsToday: z.number().int(),
  /** Leads waiting to be fetched (new, or retrying after a temporary Graph error). */
  pendingEvents: z.number().int(),
  /** Leads that could not be fetched: see them with GET …/events?status=failed and retry them. */
  failedEvents: z.number().int(),
  /** Leads of disabled forms, recorded but not created. */
  skippedEvents: z.number().int(),
  createdAt: z.string(),
});

export const graphErrorBody = z.object({
  message: z.string(),
  type: z.string().nullable(),
  code: z.number().nullable(),
  subcode: z.number().nullable(),
  fbtraceId: z.string().nullable(),
  httpStatus: z.number().nullable(),
});

export const metaConnectionTestResult = z.union([
  z.object({
    ok: z.literal(true),
    pageName: z.string(),
    forms: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        status: z.string().nullable(),
        /** The form's questions: `key` is the name its answers carry in a lead's field_data. */
        questions: z.array(z.object({ key: z.string(), label: z.string().nullable(), type: z.string().nullable() })),
      }),
    ),
  }),
  z.object({ ok: z.literal(false), error: graphErrorBody }),
]);

const mappingTarget = z
  .string()
  .regex(
    /^(fullName|firstName|lastName|company|email|phone|city|state|zip|country|language|answer|custom\.[a-z][a-z0-9_]{0,62})$/,
    'Map to fullName, firstName, lastName, company, email, phone, city, state, zip, country, language, custom.<key> or answer (kept as a form answer only)',
  );

export const metaFormMappingInput = z
  .object({
    name: z.string().trim().max(200).nullable().optional(),
    fieldMap: z.record(z.string().min(1).max(200), mappingTarget).default({}),
    pipelineId: z.uuid().nullable().optional(),
    stageId: z.uuid().nullable().optional(),
    source: z.string().trim().max(100).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
    /** A disabled form is not polled and its webhook leads are recorded as skipped. */
    enabled: z.boolean().optional(),
  })
  .strict();

export const metaFormMapping = z.object({
  formId: z.string(),
  name: z.string().nullable(),
  fieldMap: z.record(z.string(), z.string()),
  pipelineId: z.string().nullable(),
  stageId: z.string().nullable(),
  source: z.string().nullable(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  lastSyncedAt: z.string().nullable(),
});

export const metaSyncResult = z.object({
  fetched: z.number().int(),
  created: z.number().int(),
  cameBack: z.number().int(),
  failed: z.number().int(),
  /** Leads of disabled forms met by the sync: recorded, not created. */
  skipped: z.number().int(),
  error: graphErrorBody.nullable(),
});

export const integrationLogEntry = z.object({
  id: z.string(),
  provider: z.string(),
  connectionId: z.string().nullable(),
  direction: z.enum(['in', 'out']),
  method: z.string(),
  url: z.string(),
  status: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});

/** One leadgen notification in the connection's inbox, as the admin sees it. */
export const metaLeadEvent = z.object({
  id: z.string(),
  leadgenId: z.string(),
  formId: z.string().nullable(),
  status: z.enum(['pending', 'done', 'failed', 'skipped']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  leadId: z.string().nullable(),
  receivedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const captureSettings = z.object({ duplicatePolicy: z.enum(['merge', 'always_create']) });

export const API_KEY_SCOPES = ['leads.create'] as const;

export const createApiKeyRequest = z
  .object({
    name: z.string().trim().min(1, 'Name is required').max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).default(['leads.create']),
  })
  .strict();

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** Returned once, at creation: the only time the full key is shown. */
export const createdApiKey = apiKey.extend({ key: z.string() });

const text = (max: number) => z.string().trim().max(max).nullable().optional();

/** A lead pushed by a web form or another tool. `Idempotency-Key` (or externalId) makes retries safe. */
export const intakeLeadRequest = z
  .object({
    firstName: text(100),
    lastName: text(100),
    company: text(200),
    phone: z.string().trim().min(3, 'Phone is too short').max(40, 'Phone is too long').optional(),
    phones: z.array(z.string().trim().min(3, 'Phone is too short').max(40, 'Phone is too long')).max(10).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid email address' })).optional(),
    emails: z.array(z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid email address' }))).max(10).optional(),
    source: text(100),
    campaign: text(200),
    city: text(100),
    state: text(100),
    country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'Use a 2-letter ISO country code').optional(),
    zip: text(20),
    /** A tag (`es`, `pt-BR`) or a language's name (`Spanish`); stored as the tag. */
    language: leadLanguage.optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    custom: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'Custom keys are lower_snake_case'), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const intakeLeadResponse = z.object({ id: z.string(), outcome: z.enum(['created', 'came_back']), replayed: z.boolean() });
