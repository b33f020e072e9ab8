import { z } from 'zod';
import {
  emailField,
  localeField,
  passwordField,
  personNameField,
  slugField,
  themeField,
  timeZoneField,
  totpCodeField,
  workspaceNameField,
} from './fields.ts';
import { presetKeyField } from './presets.ts';
import { PERMISSIONS } from './permissions.ts';

export const setupStatusResponse = z.object({ setUp: z.boolean() });

export const setupRequest = z.object({
  name: personNameField,
  email: emailField,
  password: passwordField,
  workspaceName: workspaceNameField,
  timeZone: timeZoneField.optional(),
  locale: localeField.optional(),
  /** Industry preset the first workspace starts from (pipelines, fields, sources…); the default pipeline when absent. */
  preset: presetKeyField.optional(),
});

export const signupRequest = z.object({
  name: personNameField,
  email: emailField,
  password: passwordField,
  /** The workspace the new user asks to join; an admin of it approves the request. */
  workspaceSlug: slugField,
  /** The new account's time zone (the browser's); the workspace's when absent. */
  timeZone: timeZoneField.optional(),
});
export const signupResponse = z.object({ status: z.literal('pending_approval') });

export const loginRequest = z.object({
  email: emailField,
  password: z.string().min(1, 'Password is required').max(200),
  remember: z.boolean().default(false),
});

export const twoFactorLoginRequest = z
  .object({
    code: totpCodeField.optional(),
    recoveryCode: z.string().trim().min(8).max(32).optional(),
  })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), {
    message: 'Give either the 6-digit code or a recovery code',
    path: ['code'],
  });

export const loginResponse = z.object({ twoFactorRequired: z.boolean() });

export const forgotPasswordRequest = z.object({
  email: emailField,
  /** For users without access to their mailbox: put the request in the admins' queue instead. */
  askAdmin: z.boolean().default(false),
});

export const resetPasswordRequest = z.object({
  token: z.string().min(20).max(200),
  password: passwordField,
});

export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1, 'Current password is required').max(200),
  newPassword: passwordField,
});

export const workspaceSummary = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status: z.enum(['active', 'pending', 'disabled']),
  role: z.object({ id: z.string(), key: z.string(), name: z.string() }),
});

export const userProfile = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  locale: localeField,
  timeZone: z.string(),
  theme: themeField,
  twoFactorEnabled: z.boolean(),
});

export const meResponse = z.object({
  user: userProfile,
  workspaces: z.array(workspaceSummary),
  currentWorkspaceId: z.string().nullable(),
  permissions: z.array(z.enum(PERMISSIONS)),
});

export const updateProfileRequest = z
  .object({
    name: personNameField,
    locale: localeField,
    timeZone: timeZoneField,
    theme: themeField,
  })
  .partial();

export const twoFactorSetupResponse = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrDataUrl: z.string(),
});
export const twoFactorEnableRequest = z.object({ code: totpCodeField });
export const recoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
export const twoFactorDisableRequest = z.object({
  password: z.string().min(1, 'Password is required').max(200),
});

export const invitationPreviewResponse = z.object({
  workspaceName: z.string(),
  email: z.string(),
  roleName: z.string(),
  accountExists: z.boolean(),
});

export const acceptInvitationRequest = z.object({
  /** Needed only when no account exists for the invited email. */
  name: personNameField.optional(),
  password: z.string().max(200).optional(),
  /** A new account's time zone (the browser's); the workspace's when absent. Working hours and "today" use it. */
  timeZone: timeZoneField.optional(),
  /** A new account's language; the workspace's when absent. */
  locale: localeField.optional(),
});

export const switchWorkspaceRequest = z.object({ workspaceId: z.uuid() });

export type MeResponse = z.infer<typeof meResponse>;
export type UserProfile = z.infer<typeof userProfile>;
export type WorkspaceSummary = z.infer<typeof workspaceSummary>;
