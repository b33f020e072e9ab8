import type { ApiErrorBody, ErrorCode } from '@leadflow/shared/errors';
import { ERROR_CODES } from '@leadflow/shared/errors';
import type { z } from 'zod';
import { getCurrentWorkspaceId } from '@/lib/workspace-store';

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'lf_csrf';
const CSRF_HEADER = 'x-csrf-token';

export type FieldIssue = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly issues: FieldIssue[];
  /** Set when a global handler (the redirect to the login page) already dealt with the error. */
  handled = false;

  constructor(status: number, body: ApiErrorBody['error']) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.issues = body.issues ?? [];
  }
}

type AuthFailureHandler = (error: ApiError) => boolean;
let authFailureHandler: AuthFailureHandler | null = null;

/** The app registers what happens when the session is gone (redirect to the login page). */
export function onAuthFailure(handler: AuthFailureHandler): void {
  authFailureHandler = handler;
}

function readCookie(name: string): string | null {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return null;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function toApiError(status: number, payload: unknown): ApiError {
  const body = isRecord(payload) && isRecord(payload.error) ? payload.error : null;
  if (body && isErrorCode(body.code)) {
    const issues = Array.isArray(body.issues)
      ? body.issues.filter(
          (i): i is FieldIssue => isRecord(i) && typeof i.field === 'string' && typeof i.message === 'string',
        )
      : undefined;
    return new ApiError(status, {
      code: body.code,
      message: typeof body.message === 'string' ? body.message : '',
      field: typeof body.field === 'string' ? body.field : undefined,
      issues,
    });
  }
  const code: ErrorCode =
    status === 401 ? 'UNAUTHENTICATED'
    : status === 403 ? 'FORBIDDEN'
    : status === 404 ? 'NOT_FOUND'
    : status === 429 ? 'RATE_LIMITED'
    : 'INTERNAL';
  return new ApiError(status, { code, message: `HTTP ${status}` });
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

type RequestOptions<S extends z.ZodType | undefined> = {
  body?: unknown;
  params?: QueryParams;
  /** Parses the response; without it the response body is ignored. */
  schema?: S;
  signal?: AbortSignal;
};

type Result<S> = S extends z.ZodType ? z.output<S> : void;

function buildUrl(path: string, params?: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return `${API_BASE}${path}${query ? `?${query}` : ''}`;
}

/**
 * The address of a file the browser downloads through a link, so it streams straight to disk; the session cookie
 * authenticates it. A link cannot send the x-workspace-id header, so the workspace chosen in this browser goes in the
 * `workspaceId` parameter (without one, the server uses the session's). Empty parameters are left out.
 */
export function downloadUrl(path: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const workspaceId = getCurrentWorkspaceId();
  if (workspaceId) query.set('workspaceId', workspaceId);
  const text = query.toString();
  return `${API_BASE}${path}${text ? `?${text}` : ''}`;
}

async function send(method: string, url: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A FormData body (file upload) sets its own multipart content type and boundary.
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  const workspaceId = getCurrentWorkspaceId();
  if (workspaceId) headers['x-workspace-id'] = workspaceId;
  return fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    signal,
  });
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function request<S extends z.ZodType | undefined = undefined>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: RequestOptions<S> = {},
): Promise<Result<S>> {
  const url = buildUrl(path, options.params);
  let response = await send(method, url, options.body, options.signal);
  let payload = await readJson(response);
  // The CSRF cookie is set by the server on any response: a first write may race it, so retry once.
  if (!response.ok && method !== 'GET' && toApiError(response.status, payload).code === 'CSRF_FAILED') {
    response = await send(method, url, options.body, options.signal);
    payload = await readJson(response);
  }
  if (!response.ok) {
    const error = toApiError(response.status, payload);
    if (error.status === 401 && (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED')) {
      error.handled = authFailureHandler?.(error) ?? false;
    }
    throw error;
  }
  if (!options.schema) return undefined as Result<S>;
  return options.schema.parse(payload) as Result<S>;
}

export const api = {
  get: <S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>) =>
    request<S>('GET', path, options),
  post: <S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>) =>
    request<S>('POST', path, options),
  patch: <S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>) =>
    request<S>('PATCH', path, options),
  put: <S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>) =>
    request<S>('PUT', path, options),
  delete: <S extends z.ZodType | undefined = undefined>(path: string, options?: RequestOptions<S>) =>
    request<S>('DELETE', path, options),
};
