import { z } from 'zod';
import { isoDateTime } from './dates.ts';
import { parseLanguage } from './language.ts';

/** Standard lead fields that lists can filter, sort, show as columns and export. */
export const LEAD_STANDARD_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'company',
  'phone',
  'email',
  'source',
  'campaign',
  'city',
  'state',
  'country',
  'zip',
  'timeZone',
  /** The language the lead speaks, a BCP 47 tag (`en`, `pt-BR`). */
  'language',
  'tags',
  'ownerId',
  'pipelineId',
  'stageId',
  'score',
  'nextFollowUpAt',
  'lostReason',
  'origin',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'cameBackAt',
  'sourceDetail',
  'eventId',
  'referralType',
  'referredByLeadId',
  'referredByContactId',
  'referredAt',
  /** When the lead became a client (entered a won stage); null while it is not one. */
  'clientSince',
  /** Whether the lead is a client (sits in a won stage): filter with eq true/false. */
  'isClient',
  /** The category of its stage: new, in_contact, qualified, converted or lost. */
  'stageStatus',
] as const;
export type LeadStandardField = (typeof LEAD_STANDARD_FIELDS)[number];

export const CUSTOM_FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'money',
  'date',
  'datetime',
  'boolean',
  'select',
  'multi_select',
  'phone',
  'email',
  'url',
  'user',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const customFieldOption = z.object({
  value: z.string().trim().min(1).max(100),
  label: z.string().trim().min(1).max(100),
  color: z.string().max(20).optional(),
});

export const customFieldKey = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[a-z][a-z0-9_]*$/, 'Use lowercase letters, digits and underscores, starting with a letter');

export const customField = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  required: z.boolean(),
  options: z.array(customFieldOption),
  helpText: z.string().nullable(),
  position: z.number().int(),
  deletedAt: z.string().nullable(),
});
export type CustomField = z.infer<typeof customField>;

export const createCustomFieldRequest = z
  .object({
    key: customFieldKey.optional(),
    label: z.string().trim().min(1, 'Label is required').max(80),
    type: z.enum(CUSTOM_FIELD_TYPES),
    required: z.boolean().default(false),
    options: z.array(customFieldOption).max(200).default([]),
    helpText: z.string().trim().max(300).nullable().optional(),
    position: z.number().int().min(0).max(10000).optional(),
  })
  .refine((v) => !['select', 'multi_select'].includes(v.type) || v.options.length > 0, {
    message: 'A select field needs at least one option',
    path: ['options'],
  });
export const updateCustomFieldRequest = z
  .object({
    label: z.string().trim().min(1).max(80),
    required: z.boolean(),
    options: z.array(customFieldOption).max(200),
    helpText: z.string().trim().max(300).nullable(),
    position: z.number().int().min(0).max(10000),
  })
  .partial();
export const customFieldList = z.object({ fields: z.array(customField) });

export const leadPhoneInput = z.object({
  raw: z.string().trim().min(3, 'Phone is too short').max(40, 'Phone is too long'),
  label: z.string().trim().max(30).optional(),
});
export const leadPhone = z.object({ raw: z.string(), e164: z.string().nullable(), label: z.string().optional() });

/** A language as people write it, read as its BCP 47 tag (ADR 033); empty is null. */
export const leadLanguage = z
  .string()
  .max(100)
  .describe('A BCP 47 tag (en, pt-BR) or a language name in English, Portuguese, Spanish, French, German, Italian or its own (Spanish, Español); stored as the tag')
  .transform((raw, ctx) => {
    const tag = parseLanguage(raw);
    if (tag === undefined) {
      ctx.addIssue({ code: 'custom', message: 'Not a language: use a code like en or pt-BR, or a name like Spanish' });
      return z.NEVER;
    }
    return tag;
  });

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** Fields a person edits; every one optional on update, and custom values keyed by field key. */
export const leadInputShape = {
  firstName: optionalText(100),
  lastName: optionalText(100),
  company: optionalText(200),
  phones: z.array(leadPhoneInput).max(10).optional(),
  emails: z.array(z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid email address' }))).max(10).optional(),
  source: optionalText(100),
  /** Sub-type of the source (a word-of-mouth source's "Doctor", "Family"…). */
  sourceDetail: optionalText(100),
  /** The marketing event the lead came from (an event of this workspace). */
  eventId: z.uuid().nullable().optional(),
  campaign: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Use a 2-letter ISO country code')
    .nullable()
    .optional(),
  zip: optionalText(20),
  timeZone: z.string().max(60).nullable().optional(),
  /** A tag (`es`, `pt-BR`) or a name (`Spanish`, `Español`); stored as the tag. Empty clears it. */
  language: leadLanguage.nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  ownerId: z.uuid().nullable().optional(),
  pipelineId: z.uuid().nullable().optional(),
  stageId: z.uuid().nullable().optional(),
  score: z.number().int().min(0).max(100).nullable().optional(),
  nextFollowUpAt: isoDateTime('Use an ISO date-time').nullable().optional(),
  lostReason: optionalText(200),
  custom: z.record(z.string(), z.unknown()).optional(),
};

export const createLeadRequest = z.object({ ...leadInputShape, externalId: z.string().trim().max(200).optional() }).strict();
export const updateLeadRequest = z
  .object({ ...leadInputShape, version: z.number().int().min(1, 'version is required') })
  .strict();

export const leadContact = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string().nullable(),
  phoneRaw: z.string().nullable(),
  phoneE164: z.string().nullable(),
  email: z.string().nullable(),
  linkedin: z.string().nullable(),
  position: z.number().int(),
});
export const contactInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(120),
  role: optionalText(80),
  phone: z.string().trim().max(40).nullable().optional(),
  email: z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid email address' })).nullable().optional(),
  linkedin: z.url({ message: 'Enter a valid URL' }).max(300).nullable().optional(),
});

export const lead = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  displayName: z.string(),
  phones: z.array(leadPhone),
  emails: z.array(z.string()),
  source: z.string().nullable(),
  sourceDetail: z.string().nullable(),
  eventId: z.string().nullable(),
  /** Set when the lead came as a referral (marked with POST /leads/{id}/referral). */
  referral: z
    .object({
      type: z.enum(['regular', 'interim']),
      referredByLeadId: z.string().nullable(),
      referredByContactId: z.string().nullable(),
      at: z.string().nullable(),
    })
    .nullable(),
  campaign: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  country: z.string().nullable(),
  zip: z.string().nullable(),
  timeZone: z.string().nullable(),
  language: z.string().nullable(),
  tags: z.array(z.string()),
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  pipelineId: z.string().nullable(),
  stage: z
    .object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['open', 'won', 'lost']),
      /** The stage's category: new, in_contact, qualified, converted, lost. */
      status: z.enum(['new', 'in_contact', 'qualified', 'converted', 'lost']).optional(),
    })
    .nullable(),
  /** When the lead became a client (moved to a won stage); null while it is not one. */
  clientSince: z.string().nullable(),
  score: z.number().nullable(),
  nextFollowUpAt: z.string().nullable(),
  lostReason: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  origin: z.string(),
  externalId: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastActivityAt: z.string(),
  /** Last time a known person submitted again through a capture channel ("came back"); null if never. */
  cameBackAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type Lead = z.infer<typeof lead>;

export const leadDetail = lead.extend({ contacts: z.array(leadContact) });

/** Filter operators, shared by lists, boards, bulk actions, exports and distribution rules. */
export const FILTER_OPERATORS = [
  'eq',
  'neq',
  'contains',
  'not_contains',
  'starts_with',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'empty',
  'not_empty',
  'last_days',
  'next_days',
  'today',
  'this_week',
  'this_month',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const leadFilter = z.object({
  /** A standard field name, or `custom.<key>` for a custom field. */
  field: z.string().min(1).max(60),
  op: z.enum(FILTER_OPERATORS),
  value: z.unknown().optional(),
});
export type LeadFilter = z.infer<typeof leadFilter>;

export const leadQuery = z.object({
  filters: z.array(leadFilter).max(30).default([]),
  /** Free text: name, company, email and phone in any format; fuzzy on names. */
  q: z.string().trim().max(200).optional(),
  sort: z
    .object({ field: z.string().min(1).max(60), dir: z.enum(['asc', 'desc']).default('desc') })
    .default({ field: 'createdAt', dir: 'desc' }),
});
export type LeadQuery = z.infer<typeof leadQuery>;

/** Lists take the query as one JSON-encoded `query` parameter so filters nest freely in a GET. */
export const leadListParams = z.object({
  query: z.string().max(20000).optional(),
  cursor: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  trash: z.enum(['true', 'false']).optional(),
});

export const leadList = z.object({ leads: z.array(lead), nextCursor: z.string().nullable() });
export const leadCount = z.object({ count: z.number().int(), exact: z.boolean() });

export const timelineItem = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
  mentions: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
});
export const timelinePage = z.object({ items: z.array(timelineItem), nextCursor: z.string().nullable() });

export const noteInput = z.object({
  body: z.string().trim().min(1, 'The note is empty').max(20000, 'The note is too long'),
});

export const bulkSelection = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(10000) }),
  z.object({ query: leadQuery }),
]);
export const bulkActionRequest = z.object({
  selection: bulkSelection,
  action: z.discriminatedUnion('type', [
    z.object({ type: z.literal('assign'), ownerId: z.uuid().nullable() }),
    z.object({
      type: z.literal('set_stage'),
      stageId: z.uuid(),
      /** Required for a lost stage: one of the workspace's lost reasons (any text while the list is empty). */
      lostReason: z.string().trim().min(1).max(200).optional(),
    }),
    z.object({ type: z.literal('add_tags'), tags: z.array(z.string().trim().min(1).max(50)).min(1).max(20) }),
    z.object({ type: z.literal('remove_tags'), tags: z.array(z.string().trim().min(1).max(50)).min(1).max(20) }),
    z.object({ type: z.literal('delete') }),
  ]),
});
export const bulkActionResponse = z.object({ affected: z.number().int() });

export const exportRequestParams = z.object({
  query: z.string().max(20000).optional(),
  columns: z.string().max(4000).optional(),
  format: z.enum(['csv', 'xlsx']).default('csv'),
  /** The workspace, for a download link that cannot send the x-workspace-id header. */
  workspaceId: z.uuid().optional(),
});

export const savedView = z.object({
  id: z.string(),
  name: z.string(),
  shared: z.boolean(),
  mine: z.boolean(),
  query: leadQuery,
  columns: z.array(z.string()),
});
export const savedViewInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(80),
  shared: z.boolean().default(false),
  query: leadQuery,
  columns: z.array(z.string().max(60)).max(60).default([]),
});
export const savedViewList = z.object({ views: z.array(savedView) });
