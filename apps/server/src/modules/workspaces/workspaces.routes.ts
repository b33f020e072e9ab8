import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import {
  auditList,
  auditListQuery,
  createInvitationRequest,
  createInvitationResponse,
  createRoleRequest,
  createWorkspaceRequest,
  invitationList,
  memberList,
  memberListQuery,
  outboxList,
  passwordResetRequestList,
  resetLinkResponse,
  role,
  roleList,
  updateMemberRequest,
  updateRoleRequest,
  updateWorkspaceRequest,
  workspaceSettings,
} from '@leadflow/shared/workspace';
import { actorOf, authOf } from '../accounts/auth.plugin.ts';
import type { WorkspacesService } from './workspaces.service.ts';

const ok = z.object({ ok: z.literal(true) });
const userIdParams = z.object({ userId: z.uuid({ message: 'Must be a UUID' }) });
const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });

function roleKeyOf(request: FastifyRequest): string {
  return authOf(request).workspace?.roleKey ?? '';
}

export const workspacesRoutes: FastifyPluginAsyncZod<{ workspaces: WorkspacesService }> = async (app, { workspaces }) => {
  app.post('/workspaces', {
    config: { access: 'session' },
    schema: { tags: ['Workspaces'], summary: 'Create a workspace; the creator becomes its owner', body: createWorkspaceRequest, response: { 201: workspaceSettings } },
    handler: async (request, reply) => reply.status(201).send(await workspaces.createWorkspace(authOf(request), request.body, request.ip)),
  });

  app.get('/workspace', {
    schema: { tags: ['Workspaces'], summary: 'Settings of the current workspace', response: { 200: workspaceSettings } },
    handler: async (request) => workspaces.getSettings(actorOf(request)),
  });

  app.patch('/workspace', {
    config: { permission: 'workspace.manage' },
    schema: { tags: ['Workspaces'], summary: 'Change workspace settings', body: updateWorkspaceRequest, response: { 200: workspaceSettings } },
    handler: async (request) => workspaces.updateSettings(actorOf(request), request.body),
  });

  const users = ['Users'];
  app.get('/members', {
    config: { permission: 'users.view' },
    schema: { tags: users, summary: 'Members of the workspace, including sign-ups waiting for approval', querystring: memberListQuery, response: { 200: memberList } },
    handler: async (request) => ({ members: await workspaces.listMembers(actorOf(request), request.query.status) }),
  });

  app.patch('/members/:userId', {
    config: { permission: 'users.manage' },
    schema: {
      tags: users,
      summary: 'Approve, disable, re-enable or change the role of a member',
      params: userIdParams,
      body: updateMemberRequest,
      response: { 200: ok },
    },
    handler: async (request) => {
      await workspaces.updateMember(actorOf(request), roleKeyOf(request), request.params.userId, request.body);
      return { ok: true as const };
    },
  });

  app.delete('/members/:userId', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Reject a pending sign-up or remove a member', params: userIdParams, response: { 200: ok } },
    handler: async (request) => {
      await workspaces.removeMember(actorOf(request), roleKeyOf(request), request.params.userId);
      return { ok: true as const };
    },
  });

  app.post('/members/:userId/reset-link', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'A single-use password reset link to hand to a member', params: userIdParams, response: { 200: resetLinkResponse } },
    handler: async (request) => workspaces.memberResetLink(actorOf(request), roleKeyOf(request), request.params.userId),
  });

  app.get('/password-reset-requests', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Members who asked an admin to reset their password', response: { 200: passwordResetRequestList } },
    handler: async (request) => ({ requests: await workspaces.listResetRequests(actorOf(request)) }),
  });

  app.post('/password-reset-requests/:id/resolve', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Answer a reset request with a single-use link', params: idParams, response: { 200: resetLinkResponse } },
    handler: async (request) => workspaces.resolveResetRequest(actorOf(request), roleKeyOf(request), request.params.id),
  });

  app.get('/invitations', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Open invitations', response: { 200: invitationList } },
    handler: async (request) => ({ invitations: await workspaces.listInvitations(actorOf(request)) }),
  });

  app.post('/invitations', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Invite someone by email with a role', body: createInvitationRequest, response: { 201: createInvitationResponse } },
    handler: async (request, reply) => reply.status(201).send(await workspaces.invite(actorOf(request), roleKeyOf(request), request.body)),
  });

  app.delete('/invitations/:id', {
    config: { permission: 'users.manage' },
    schema: { tags: users, summary: 'Revoke an invitation', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await workspaces.revokeInvitation(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  const roles = ['Roles'];
  app.get('/roles', {
    config: { permission: 'users.view' },
    schema: { tags: roles, summary: 'Roles and their permissions', response: { 200: roleList } },
    handler: async (request) => ({ roles: await workspaces.listRoles(actorOf(request)) }),
  });

  app.post('/roles', {
    config: { permission: 'roles.manage' },
    schema: { tags: roles, summary: 'Create a role', body: createRoleRequest, response: { 201: role } },
    handler: async (request, reply) => reply.status(201).send(await workspaces.createRole(actorOf(request), request.body)),
  });

  app.patch('/roles/:id', {
    config: { permission: 'roles.manage' },
    schema: { tags: roles, summary: 'Rename a role or change its permissions', params: idParams, body: updateRoleRequest, response: { 200: role } },
    handler: async (request) => workspaces.updateRole(actorOf(request), request.params.id, request.body),
  });

  app.delete('/roles/:id', {
    config: { permission: 'roles.manage' },
    schema: { tags: roles, summary: 'Delete a custom role without members', params: idParams, response: { 200: ok } },
    handler: async (request) => {
      await workspaces.deleteRole(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/outbox', {
    config: { permission: 'outbox.view' },
    schema: { tags: ['Administration'], summary: 'Mail kept in the dev outbox when SMTP is not configured', response: { 200: outboxList } },
    handler: async (request) => ({ messages: await workspaces.listOutbox(actorOf(request)) }),
  });

  app.get('/audit', {
    config: { permission: 'audit.view' },
    schema: { tags: ['Administration'], summary: 'Search the append-only audit log, newest first', querystring: auditListQuery, response: { 200: auditList } },
    handler: async (request) => workspaces.listAudit(actorOf(request), request.query),
  });
};
