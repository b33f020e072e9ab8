import { z } from 'zod';
import { isoDateTime } from './dates.ts';

/** Lead sources, marketing events, workspace tags and referrals: the contracts of the marketing and referrals API. */

export const LEAD_SOURCE_KINDS = ['paid', 'organic', 'referral', 'word_of_mouth', 'event', 'other'] as const;
export type LeadSourceKind = (typeof LEAD_SOURCE_KINDS)[number];

const name = (max: number) => z.string().trim().min(1, 'Name is required').max(max, `Use at most ${max} characters`);
const subtypes = z
  .array(z.string().trim().min(1, 'A sub-type needs a name').max(100))
  .max(50)
  .refine((list) => new Set(list.map((s) => s.toLowerCase())).size === list.length, 'A sub-type appears twice');

export const leadSource = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(LEAD_SOURCE_KINDS),
  /** Sub-types a lead of this source may name (word of mouth › Family, Friend, Doctor). */
  subtypes: z.array(z.string()),
  position: z.number().int(),
  archived: z.boolean(),
});
export type LeadSource = z.infer<typeof leadSource>;
export const leadSourceList = z.object({ sources: z.array(leadSource) });
export const leadSourceListQuery = z.object({ archived: z.enum(['true', 'false']).optional() });
export const createLeadSourceRequest = z.object({
  name: name(100),
  kind: z.enum(LEAD_SOURCE_KINDS).default('other'),
  subtypes: subtypes.default([]),
  position: z.number().int().min(0).max(10000).optional(),
});
export const updateLeadSourceRequest = z
  .object({
    name: name(100),
    kind: z.enum(LEAD_SOURCE_KINDS),
    subtypes,
    position: z.number().int().min(0).max(10000),
    archived: z.boolean(),
  })
  .partial();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD');

export const marketingEvent = z.object({
  id: z.string(),
  name: z.string(),
  date: z.string().nullable(),
  place: z.string().nullable(),
  notes: z.string().nullable(),
  archived: z.boolean(),
  /** Leads (not in the trash) that came from the event. */
  leadCount: z.number().int(),
  createdAt: z.string(),
});
export type MarketingEvent = z.infer<typeof marketingEvent>;
export const marketingEventList = z.object({ events: z.array(marketingEvent) });
export const marketingEventListQuery = z.object({ archived: z.enum(['true', 'false']).optional() });
export const createMarketingEventRequest = z.object({
  name: name(150),
  date: day.nullable().optional(),
  place: z.string().trim().max(200).nullable().optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
});
export const updateMarketingEventRequest = createMarketingEventRequest.extend({ archived: z.boolean() }).partial();

export const workspaceTag = z.object({ id: z.string(), name: z.string(), color: z.string() });
export type WorkspaceTag = z.infer<typeof workspaceTag>;
export const workspaceTagList = z.object({ tags: z.array(workspaceTag) });
export const createWorkspaceTagRequest = z.object({
  name: z.string().trim().min(1, 'Name is required').max(50),
  color: z.string().trim().min(1).max(20).default('gray'),
});

export const REFERRAL_TYPES = ['regular', 'interim'] as const;
export type ReferralType = (typeof REFERRAL_TYPES)[number];

/** Marks a lead as referred: by a client (a lead that became one) or by one of a client's contacts. */
export const markReferralRequest = z
  .object({
    type: z.enum(REFERRAL_TYPES).default('regular'),
    referredByLeadId: z.uuid({ message: 'Must be a UUID' }).nullable().optional(),
    referredByContactId: z.uuid({ message: 'Must be a UUID' }).nullable().optional(),
  })
  .refine((v) => Boolean(v.referredByLeadId) !== Boolean(v.referredByContactId), {
    message: 'Give exactly one referrer: referredByLeadId (a client) or referredByContactId (a contact)',
    path: ['referredByLeadId'],
  });

export const referrer = z.object({
  kind: z.enum(['lead', 'contact']),
  id: z.string(),
  name: z.string(),
  /** The client the referrer is, or belongs to (for a contact). */
  leadId: z.string(),
  leadName: z.string(),
});
export type Referrer = z.infer<typeof referrer>;

export const referralInfo = z.object({
  leadId: z.string(),
  type: z.enum(REFERRAL_TYPES),
  referrer: referrer.nullable(),
  at: z.string().nullable(),
});
export type ReferralInfo = z.infer<typeof referralInfo>;

/** Someone a client (or one of its contacts) referred. */
export const referredLead = z.object({
  id: z.string(),
  displayName: z.string(),
  type: z.enum(REFERRAL_TYPES),
  via: z.object({ kind: z.enum(['lead', 'contact']), id: z.string(), name: z.string() }),
  stage: z.object({ id: z.string(), name: z.string(), kind: z.enum(['open', 'won', 'lost']) }).nullable(),
  isClient: z.boolean(),
  referredAt: z.string().nullable(),
});
export const referredLeadList = z.object({ leads: z.array(referredLead) });

export const referrerReportRow = referrer.extend({
  /** Leads it referred (not in the trash). */
  referred: z.number().int(),
  /** Of those, how many became clients. */
  becameClients: z.number().int(),
});
export const referrerReport = z.object({ rows: z.array(referrerReportRow) });
export const referrerReportQuery = z.object({
  from: isoDateTime('Use an ISO date-time').optional(),
  to: isoDateTime('Use an ISO date-time').optional(),
});

/** Candidates for the referrer picker: clients and their contacts matching a name. */
export const referrerSearchQuery = z.object({ q: z.string().trim().max(100).default('') });
export const referrerSearchResult = z.object({ referrers: z.array(referrer) });
