/** Typed error codes shared by the server (which raises them) and the web app (which translates them). */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'TWO_FACTOR_REQUIRED',
  'INVALID_CREDENTIALS',
  'INVALID_TWO_FACTOR_CODE',
  'ACCOUNT_LOCKED',
  'ACCOUNT_PENDING_APPROVAL',
  'ACCOUNT_DISABLED',
  'FORBIDDEN',
  'CSRF_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'ALREADY_SET_UP',
  'NOT_SET_UP',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'RATE_LIMITED',
  'WORKSPACE_REQUIRED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ApiErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    /** Dotted path of the input field at fault, when one is. */
    field?: string;
    issues?: { field: string; message: string }[];
  };
};
