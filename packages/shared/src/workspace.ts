import { z } from 'zod';
import { isoDateTime } from './dates.ts';
import {
  currencyField,
  emailField,
  localeField,
  slugField,
  timeZoneField,
  workspaceNameField,
} from './fields.ts';
import { PERMISSIONS } from './permissions.ts';
import { presetKeyField } from './presets.ts';

export const createWorkspaceRequest = z.object({
  name: workspaceNameField,
  slug: slugField.optional(),
  /** Industry preset the workspace starts from, in the creator's language; the default pipeline when absent. */
  preset: presetKeyField.optional(),
});

export const workspaceSettings = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  timeZone: z.string(),
  locale: localeField,
  currency: z.string(),
  defaultCountry: z.string(),
  /** Minutes without activity after which a browser session ends (remember-me sessions are exempt). */
  idleTimeoutMinutes: z.number().int(),
  trashRetentionDays: z.number().int(),
  createdAt: z.string(),
});

export const updateWorkspaceRequest = z
  .object({
    name: workspaceNameField,
    timeZone: timeZoneField,
    locale: localeField,
    currency: currencyField,
    defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'Use a 2-letter ISO country code'),
    idleTimeoutMinutes: z.number().int().min(5, 'At least 5 minutes').max(60 * 24 * 30, 'At most 30 days'),
    trashRetentionDays: z.number().int().min(1, 'At least 1 day').max(3650, 'At most 10 years'),
  })
  .partial();

export const MEMBER_STATUSES = ['active', 'pending', 'disabled'] as const;

export const member = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  status: z.enum(MEMBER_STATUSES),
  role: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  twoFactorEnabled: z.boolean(),
  joinedAt: z.string(),
  lastSeenAt: z.string().nullable(),
});
export const memberList = z.object({ members: z.array(member) });
export const memberListQuery = z.object({ status: z.enum(MEMBER_STATUSES).optional() });

export const updateMemberRequest = z
  .object({
    roleId: z.uuid(),
    /** pending → active approves a sign-up; active ↔ disabled disables or re-enables. */
    status: z.enum(['active', 'disabled']),
  })
  .partial()
  .refine((v) => v.roleId !== undefined || v.status !== undefined, {
    message: 'Give roleId or status',
    path: ['roleId'],
  });

export const resetLinkResponse = z.object({ resetUrl: z.string(), expiresAt: z.string() });

export const passwordResetRequestItem = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  requestedAt: z.string(),
});
export const passwordResetRequestList = z.object({ requests: z.array(passwordResetRequestItem) });

export const role = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.enum(PERMISSIONS)),
  memberCount: z.number().int(),
});
export const roleList = z.object({ roles: z.array(role) });
export const createRoleRequest = z.object({
  name: z.string().trim().min(2, 'Use at least 2 characters').max(60),
  permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
});
export const updateRoleRequest = createRoleRequest.partial();

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  invitedBy: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export const invitationList = z.object({ invitations: z.array(invitation) });
export const createInvitationRequest = z.object({ email: emailField, roleId: z.uuid() });
export const createInvitationResponse = invitation.extend({ acceptUrl: z.string() });

export const outboxMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  createdAt: z.string(),
});
export const outboxList = z.object({ messages: z.array(outboxMessage) });

export const auditEntry = z.object({
  id: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  oldValues: z.record(z.string(), z.unknown()).nullable(),
  newValues: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
});
export const auditListQuery = z.object({
  actorId: z.uuid().optional(),
  entityType: z.string().max(60).optional(),
  entityId: z.string().max(100).optional(),
  action: z.string().max(80).optional(),
  from: isoDateTime().optional(),
  to: isoDateTime().optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const auditList = z.object({ entries: z.array(auditEntry), nextCursor: z.string().nullable() });

export type WorkspaceSettings = z.infer<typeof workspaceSettings>;
export type Member = z.infer<typeof member>;
export type Role = z.infer<typeof role>;
export type Invitation = z.infer<typeof invitation>;
export type AuditEntry = z.infer<typeof auditEntry>;

/** Events pushed to browsers over the WebSocket. */
export const realtimeEvent = z.object({
  type: z.string(),
  workspaceId: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type RealtimeEvent = z.infer<typeof realtimeEvent>;
