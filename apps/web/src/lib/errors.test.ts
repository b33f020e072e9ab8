import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { errorMessage, serverSentence } from '@/lib/errors';
import { i18n } from '@/lib/i18n';

describe('error messages shown to the user', () => {
  it("shows the server's own sentence for a validation error or a conflict, without a field path", () => {
    expect(errorMessage(new ApiError(409, { code: 'CONFLICT', message: 'Another rule already has priority 80', field: 'priority' }))).toBe('Another rule already has priority 80');
    expect(errorMessage(new ApiError(400, { code: 'VALIDATION_FAILED', message: 'members.1.weight: Give every agent of a weighted rule a weight (percent)' }))).toBe(
      'Give every agent of a weighted rule a weight (percent)',
    );
  });

  it('translates a sentence the app knows, and keeps the generic text for other errors', () => {
    expect(serverSentence('email: Enter a valid email address')).toBe(i18n.t('validation.email'));
    expect(errorMessage(new ApiError(500, { code: 'INTERNAL', message: 'Something went wrong on our side' }))).toBe(i18n.t('errors.INTERNAL'));
    expect(errorMessage(new ApiError(403, { code: 'FORBIDDEN', message: 'x' }))).toBe(i18n.t('errors.FORBIDDEN'));
    expect(errorMessage(new ApiError(409, { code: 'CONFLICT', message: '' }))).toBe(i18n.t('errors.CONFLICT'));
  });
});
