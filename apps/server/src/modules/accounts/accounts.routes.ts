import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  acceptInvitationRequest,
  changePasswordRequest,
  forgotPasswordRequest,
  invitationPreviewResponse,
  loginRequest,
  loginResponse,
  meResponse,
  recoveryCodesResponse,
  resetPasswordRequest,
  setupRequest,
  setupStatusResponse,
  signupRequest,
  signupResponse,
  switchWorkspaceRequest,
  twoFactorDisableRequest,
  twoFactorEnableRequest,
  twoFactorLoginRequest,
  twoFactorSetupResponse,
  updateProfileRequest,
} from '@leadflow/shared/auth';
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE, clearSessionCookie, setSessionCookie } from '../../platform/http/cookies.ts';
import { authOf } from './auth.plugin.ts';
import type { AccountsService, ClientInfo } from './accounts.service.ts';

const ok = z.object({ ok: z.literal(true) });
const tags = ['Accounts'];

function clientOf(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

export const accountsRoutes: FastifyPluginAsyncZod<{ accounts: AccountsService }> = async (app, { accounts }) => {
  app.get('/setup/status', {
    config: { access: 'public' },
    schema: { tags, summary: 'Whether the first owner and workspace exist', response: { 200: setupStatusResponse } },
    handler: async () => ({ setUp: await accounts.isSetUp() }),
  });

  app.post('/setup', {
    config: { access: 'public' },
    schema: { tags, summary: 'First visit: create the first owner and workspace, and sign in', body: setupRequest, response: { 201: ok } },
    handler: async (request, reply) => {
      const session = await accounts.setUp(request.body, clientOf(request));
      setSessionCookie(reply, session.token, session.maxAgeSeconds);
      return reply.status(201).send({ ok: true });
    },
  });

  app.post('/auth/signup', {
    config: { access: 'public' },
    schema: { tags, summary: 'Sign up and ask to join a workspace (an admin approves)', body: signupRequest, response: { 202: signupResponse } },
    handler: async (request, reply) => reply.status(202).send(await accounts.signUp(request.body, clientOf(request))),
  });

  app.post('/auth/login', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Sign in with email and password',
      description: 'When the account has two-factor authentication, answers twoFactorRequired and the sign-in completes at /auth/login/two-factor. Five wrong passwords lock the account for 15 minutes.',
      body: loginRequest,
      response: { 200: loginResponse },
    },
    handler: async (request, reply) => {
      const result = await accounts.logIn(request.body, clientOf(request));
      setSessionCookie(reply, result.session.token, result.session.maxAgeSeconds);
      return { twoFactorRequired: result.twoFactorRequired };
    },
  });

  app.post('/auth/login/two-factor', {
    config: { access: 'public' },
    schema: { tags, summary: 'Second step of sign-in: a TOTP code or a recovery code', body: twoFactorLoginRequest, response: { 200: loginResponse } },
    handler: async (request, reply) => {
      const session = await accounts.completeTwoFactor(request.cookies[SESSION_COOKIE], request.body, clientOf(request));
      setSessionCookie(reply, session.token, session.maxAgeSeconds);
      return { twoFactorRequired: false };
    },
  });

  app.post('/auth/logout', {
    config: { access: 'public' },
    schema: { tags, summary: 'Sign out of this browser', response: { 200: ok } },
    handler: async (request, reply) => {
      await accounts.logOut(request.cookies[SESSION_COOKIE]);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  });

  app.post('/auth/password/forgot', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Ask for a password reset link by email, or ask an admin',
      description: 'Always answers 202, whether or not the email is known.',
      body: forgotPasswordRequest,
      response: { 202: ok },
    },
    handler: async (request, reply) => {
      await accounts.forgotPassword(request.body);
      return reply.status(202).send({ ok: true });
    },
  });

  app.post('/auth/password/reset', {
    config: { access: 'public' },
    schema: { tags, summary: 'Choose a new password with a single-use reset link', body: resetPasswordRequest, response: { 200: ok } },
    handler: async (request) => {
      await accounts.resetPassword(request.body);
      return { ok: true as const };
    },
  });

  app.get('/invitations/:token', {
    config: { access: 'public' },
    schema: { tags, summary: 'What an invitation link is for', params: z.object({ token: z.string().min(20).max(200) }), response: { 200: invitationPreviewResponse } },
    handler: async (request) => {
      const { found, existing } = await accounts.previewInvitation(request.params.token);
      return { workspaceName: found.workspaceName, email: found.invitation.email, roleName: found.roleName, accountExists: Boolean(existing) };
    },
  });

  app.post('/invitations/:token/accept', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Accept an invitation',
      description: 'A new person gives name and password. Someone with an account must be signed in as the invited email.',
      params: z.object({ token: z.string().min(20).max(200) }),
      body: acceptInvitationRequest,
      response: { 200: ok },
    },
    handler: async (request, reply) => {
      const session = await accounts.acceptInvitation(request.params.token, request.body, request.auth, clientOf(request));
      if (session) setSessionCookie(reply, session.token, session.maxAgeSeconds);
      return { ok: true as const };
    },
  });

  app.get('/me', {
    config: { access: 'session' },
    schema: { tags, summary: 'The signed-in user, their workspaces and permissions in the current one', response: { 200: meResponse } },
    handler: async (request) => accounts.me(authOf(request)),
  });

  app.patch('/me', {
    config: { access: 'session' },
    schema: { tags, summary: 'Update name, language, time zone or theme', body: updateProfileRequest, response: { 200: meResponse } },
    handler: async (request) => {
      const auth = authOf(request);
      await accounts.updateProfile(auth, request.body);
      return accounts.me({ ...auth, user: { ...auth.user, ...request.body } });
    },
  });

  app.post('/me/password', {
    config: { access: 'session' },
    schema: { tags, summary: 'Change password (signs out other devices)', body: changePasswordRequest, response: { 200: ok } },
    handler: async (request) => {
      await accounts.changePassword(authOf(request), request.body);
      return { ok: true as const };
    },
  });

  app.post('/me/two-factor/setup', {
    config: { access: 'session' },
    schema: { tags, summary: 'Start TOTP enrolment: a secret and its QR code', response: { 200: twoFactorSetupResponse } },
    handler: async (request) => accounts.startTwoFactorSetup(authOf(request)),
  });

  app.post('/me/two-factor/enable', {
    config: { access: 'session' },
    schema: { tags, summary: 'Confirm TOTP with a code; returns recovery codes once', body: twoFactorEnableRequest, response: { 200: recoveryCodesResponse } },
    handler: async (request) => accounts.enableTwoFactor(authOf(request), request.body.code),
  });

  app.post('/me/two-factor/disable', {
    config: { access: 'session' },
    schema: { tags, summary: 'Turn two-factor off (needs the password)', body: twoFactorDisableRequest, response: { 200: ok } },
    handler: async (request) => {
      await accounts.disableTwoFactor(authOf(request), request.body.password);
      return { ok: true as const };
    },
  });

  app.post('/me/two-factor/recovery-codes', {
    config: { access: 'session' },
    schema: { tags, summary: 'Replace the recovery codes', body: twoFactorEnableRequest, response: { 200: recoveryCodesResponse } },
    handler: async (request) => accounts.regenerateRecoveryCodes(authOf(request), request.body.code),
  });

  app.post('/workspaces/switch', {
    config: { access: 'session' },
    schema: { tags: ['Workspaces'], summary: 'Make another of my workspaces the current one', body: switchWorkspaceRequest, response: { 200: ok } },
    handler: async (request) => {
      await accounts.setCurrentWorkspace(authOf(request), request.body.workspaceId);
      return { ok: true as const };
    },
  });
};
