import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../platform/errors.ts';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, clearSessionCookie, ensureCsrfCookie } from '../../platform/http/cookies.ts';
import type { Actor, AuthState } from '../../platform/http/types.ts';
import type { AccountsService } from './accounts.service.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The workspace a request names: the x-workspace-id header, or for a GET a `workspaceId` query parameter — a
 * download link (an export) cannot send headers, and a GET changes nothing, so a link cannot be used to act.
 */
function requestedWorkspace(request: FastifyRequest): string | undefined {
  const header = request.headers['x-workspace-id'];
  if (typeof header === 'string') return UUID.test(header) ? header : undefined;
  if (request.method !== 'GET') return undefined;
  const param = (request.query as Record<string, unknown> | undefined)?.workspaceId;
  return typeof param === 'string' && UUID.test(param) ? param : undefined;
}

/**
 * Resolves the session on every API request and enforces each route's declared access and permission.
 * Routes are members-only unless they say otherwise, so a forgotten declaration fails closed.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { accounts: AccountsService }) => {
    app.decorateRequest('auth', null);

    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/api/v1/')) return;
      ensureCsrfCookie(request, reply);
      const config = request.routeOptions.config;
      const access = config.access ?? 'member';

      if (!SAFE_METHODS.has(request.method)) {
        const header = request.headers[CSRF_HEADER];
        const cookie = request.cookies[CSRF_COOKIE];
        if (!cookie || typeof header !== 'string' || header !== cookie) {
          throw new AppError('CSRF_FAILED', 'Missing or wrong CSRF token: reload the page and try again');
        }
      }

      const token = request.cookies[SESSION_COOKIE];
      let expired = false;
      if (token) {
        const requested = requestedWorkspace(request);
        const resolved = await opts.accounts.resolveSession(token, requested);
        if (resolved && 'auth' in resolved) request.auth = resolved.auth;
        else if (resolved && 'expired' in resolved) {
          expired = true;
          clearSessionCookie(reply);
        }
      }

      if (access === 'public') return;
      if (!request.auth) {
        throw expired
          ? new AppError('SESSION_EXPIRED', 'Your session has expired. Sign in again.')
          : new AppError('UNAUTHENTICATED', 'Sign in to continue');
      }
      if (access === 'session') return;
      assertActiveMember(request.auth);
      if (config.permission && !request.auth.permissions.has(config.permission)) {
        throw new AppError('FORBIDDEN', `Your role does not allow this (${config.permission})`);
      }
    });
  },
  { name: 'auth' },
);

function assertActiveMember(auth: AuthState): void {
  const ws = auth.workspace;
  if (!ws) throw new AppError('WORKSPACE_REQUIRED', 'You do not belong to any workspace yet');
  if (ws.membershipStatus === 'pending') {
    throw new AppError('ACCOUNT_PENDING_APPROVAL', 'An admin of this workspace has not approved your account yet');
  }
  if (ws.membershipStatus === 'disabled') throw new AppError('ACCOUNT_DISABLED', 'Your access to this workspace is disabled');
}

/** The signed-in member behind a members-only route; the auth hook has already checked it. */
export function actorOf(request: FastifyRequest): Actor {
  const auth = request.auth;
  if (!auth?.workspace) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  return { userId: auth.user.id, workspaceId: auth.workspace.id, permissions: auth.permissions, ip: request.ip };
}

export function authOf(request: FastifyRequest): AuthState {
  if (!request.auth) throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
  return request.auth;
}
