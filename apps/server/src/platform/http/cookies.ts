import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../secrets/crypto.ts';

export const SESSION_COOKIE = 'lf_session';
export const CSRF_COOKIE = 'lf_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number | null): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.deps.config.secureCookies,
    // Without maxAge the cookie ends with the browser session: that is what "remember me" off means.
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Double-submit CSRF token: readable by our scripts, which echo it in a header on every write. */
export function ensureCsrfCookie(request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[CSRF_COOKIE]) return;
  const token = randomToken(24);
  request.cookies[CSRF_COOKIE] = token;
  reply.setCookie(CSRF_COOKIE, token, {
    path: '/',
    httpOnly: false,
    sameSite: 'lax',
    secure: reply.server.deps.config.secureCookies,
  });
}
