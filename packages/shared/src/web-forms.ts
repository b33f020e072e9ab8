import { z } from 'zod';

/** Standard lead fields a web form can ask for; `custom.<key>` asks for a custom field. */
export const WEB_FORM_STANDARD_FIELDS = ['fullName', 'firstName', 'lastName', 'email', 'phone', 'company', 'city', 'state', 'zip', 'country', 'language'] as const;
export type WebFormStandardField = (typeof WEB_FORM_STANDARD_FIELDS)[number];

/** Custom field types a visitor can fill in a plain HTML form (not members, not date-times without a zone). */
export const WEB_FORM_CUSTOM_FIELD_TYPES = ['text', 'long_text', 'number', 'money', 'date', 'boolean', 'select', 'phone', 'email', 'url'] as const;

/** Fields that say who the person is: a form must ask for at least one. */
export const WEB_FORM_IDENTITY_FIELDS: readonly WebFormStandardField[] = ['fullName', 'firstName', 'lastName', 'email', 'phone', 'company'];

/** UTM parameters read from the page address and kept on the lead's submission. */
export const UTM_PARAMETERS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

export const WEB_FORM_MAX_FIELDS = 30;

const CUSTOM_KEY = /^custom\.[a-z][a-z0-9_]{0,49}$/;

export function isWebFormFieldKey(key: string): boolean {
  return (WEB_FORM_STANDARD_FIELDS as readonly string[]).includes(key) || CUSTOM_KEY.test(key);
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters`)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null));

/** On update: absent stays absent (unchanged), empty clears. */
const patchText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters`)
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v || null));

const webUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'Enter a web address starting with http:// or https://');

/** `https://www.example.com` (scheme, host and port only), the way browsers name an origin. */
export const embeddingOrigin = z
  .string()
  .trim()
  .max(300)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'Use an origin like https://www.example.com (no path)')
  .transform((s) => new URL(s).origin);

export const webFormFieldInput = z
  .object({
    key: z.string().refine(isWebFormFieldKey, 'Choose a lead field or a custom field'),
    label: z.string().trim().min(1, 'Label is required').max(100, 'Use at most 100 characters'),
    required: z.boolean().default(false),
    placeholder: optionalText(100),
  })
  .strict();

type FieldInput = z.infer<typeof webFormFieldInput>;

/** Each field once; a full name or first/last names, not both; something that says who the person is. */
function checkFields(fields: FieldInput[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'key'], message: 'This field is already on the form' });
    seen.add(f.key);
  });
  const fullIndex = fields.findIndex((f) => f.key === 'fullName');
  const splitIndex = fields.findIndex((f) => f.key === 'firstName' || f.key === 'lastName');
  if (fullIndex >= 0 && splitIndex >= 0) {
    ctx.addIssue({ code: 'custom', path: ['fields', Math.max(fullIndex, splitIndex), 'key'], message: 'Ask for the full name or for first and last names, not both' });
  }
  if (fields.length && !fields.some((f) => (WEB_FORM_IDENTITY_FIELDS as readonly string[]).includes(f.key))) {
    ctx.addIssue({ code: 'custom', path: ['fields'], message: 'Ask for a name, an email, a phone or a company' });
  }
}

const formShape = {
  name: z.string().trim().min(1, 'Name is required').max(100, 'Use at most 100 characters'),
  /** The heading visitors see; none when empty. */
  title: optionalText(150),
  intro: optionalText(1000),
  fields: z.array(webFormFieldInput).min(1, 'Add at least one field').max(WEB_FORM_MAX_FIELDS, `Use at most ${WEB_FORM_MAX_FIELDS} fields`),
  /** When set, visitors must tick a box with this text before sending. */
  consentText: optionalText(2000),
  submitLabel: optionalText(50),
  /** Shown after sending; the default thank-you text when empty. Ignored when redirectUrl is set. */
  successMessage: optionalText(1000),
  redirectUrl: z.union([webUrl, z.literal('')]).nullable().optional().transform((v) => v || null),
  source: optionalText(100),
  campaign: optionalText(100),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).default([]),
  /** The stage new leads land in; the first open stage when empty. */
  stageId: z.uuid({ message: 'Must be a UUID' }).nullable().optional().transform((v) => v ?? null),
  active: z.boolean().default(true),
  /** Sites that may show the form in a frame; any site when empty. */
  allowedOrigins: z.array(embeddingOrigin).max(20).default([]),
  /** A submission sent sooner after the page loaded is treated as a bot's; 0 turns the check off. */
  minSecondsToSubmit: z.number().int().min(0).max(600).default(3),
};

export const createWebFormRequest = z
  .object(formShape)
  .strict()
  .superRefine((v, ctx) => checkFields(v.fields, ctx));

export const updateWebFormRequest = z
  .object({
    name: formShape.name.optional(),
    title: patchText(150),
    intro: patchText(1000),
    fields: formShape.fields.optional(),
    consentText: patchText(2000),
    submitLabel: patchText(50),
    successMessage: patchText(1000),
    redirectUrl: z.union([webUrl, z.literal('')]).nullable().optional().transform((v) => (v === undefined ? undefined : v || null)),
    source: patchText(100),
    campaign: patchText(100),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    stageId: z.uuid({ message: 'Must be a UUID' }).nullable().optional(),
    active: z.boolean().optional(),
    allowedOrigins: z.array(embeddingOrigin).max(20).optional(),
    minSecondsToSubmit: z.number().int().min(0).max(600).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.fields) checkFields(v.fields, ctx);
  });

export const webFormField = z.object({
  key: z.string(),
  label: z.string(),
  required: z.boolean(),
  placeholder: z.string().nullable(),
});
export type WebFormField = z.infer<typeof webFormField>;

export const webForm = z.object({
  id: z.string(),
  /** The form's id in its public addresses. */
  publicId: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  intro: z.string().nullable(),
  fields: z.array(webFormField),
  consentText: z.string().nullable(),
  submitLabel: z.string().nullable(),
  successMessage: z.string().nullable(),
  redirectUrl: z.string().nullable(),
  source: z.string().nullable(),
  campaign: z.string().nullable(),
  tags: z.array(z.string()),
  stageId: z.string().nullable(),
  active: z.boolean(),
  allowedOrigins: z.array(z.string()),
  minSecondsToSubmit: z.number().int(),
  /** The form's own page, to link to or share. */
  hostedUrl: z.string(),
  /** Paste one of these into a web page: the script resizes its frame to the form; the iframe has a fixed height. */
  embed: z.object({ script: z.string(), iframe: z.string() }),
  submissionCount: z.number().int(),
  lastSubmissionAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebForm = z.infer<typeof webForm>;

export const webFormList = z.object({ webForms: z.array(webForm) });

/** A submission as a lead's page shows it: which form, when, and where the visitor came from. */
export const webFormSubmission = z.object({
  id: z.string(),
  formId: z.string(),
  formName: z.string(),
  leadId: z.string().nullable(),
  outcome: z.enum(['created', 'came_back']),
  answers: z.record(z.string(), z.string()),
  utmSource: z.string().nullable(),
  utmMedium: z.string().nullable(),
  utmCampaign: z.string().nullable(),
  utmTerm: z.string().nullable(),
  utmContent: z.string().nullable(),
  pageUrl: z.string().nullable(),
  referrer: z.string().nullable(),
  createdAt: z.string(),
});
export type WebFormSubmission = z.infer<typeof webFormSubmission>;

export const webFormSubmissionList = z.object({ submissions: z.array(webFormSubmission), nextCursor: z.string().nullable() });

/**
 * A visitor's answers, form-encoded or JSON: field keys (`email`, `custom.budget`), `consent`, the page's `_token`,
 * the UTM parameters, `_page` (the address of the page showing the form) and `_ref` (its referrer).
 */
export const webFormSubmissionBody = z.record(z.string().max(100), z.union([z.string().max(20000), z.array(z.string().max(2000)).max(100), z.number(), z.boolean(), z.null()]));

export const webFormSubmitResult = z.object({
  ok: z.literal(true),
  message: z.string(),
  redirectUrl: z.string().nullable(),
});
