import type { FormErrors } from '@mantine/form';
import type { z } from 'zod';
import { ApiError } from '@/lib/api-client';
import { errorMessage, serverSentence, translateMessage } from '@/lib/errors';
import { i18n } from '@/lib/i18n';
import { notifyError } from '@/lib/notify';

type Issue = z.core.$ZodIssue;

function translateIssue(issue: Issue): string {
  const known = translateMessage(issue.message);
  if (known) return known;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? i18n.t('validation.required')
          : i18n.t('validation.tooShort', { count: Number(issue.minimum) });
      }
      if (issue.origin === 'number') return i18n.t('validation.tooSmall', { min: String(issue.minimum) });
      return i18n.t('validation.required');
    case 'too_big':
      if (issue.origin === 'string') return i18n.t('validation.tooLong', { count: Number(issue.maximum) });
      if (issue.origin === 'number') return i18n.t('validation.tooBig', { max: String(issue.maximum) });
      return i18n.t('validation.invalid');
    case 'invalid_format':
      return issue.format === 'email' ? i18n.t('validation.email') : i18n.t('validation.invalidFormat');
    case 'invalid_type':
      return i18n.t('validation.required');
    default:
      return i18n.t('validation.invalid');
  }
}

/**
 * Validates a Mantine form with the shared zod contract. `toRequest` maps the form values
 * to the request body first (dropping empty optional fields), so issue paths are form paths.
 */
export function zodResolver<Values>(schema: z.ZodType, toRequest?: (values: Values) => unknown) {
  return (values: Values): FormErrors => {
    const result = schema.safeParse(toRequest ? toRequest(values) : values);
    if (result.success) return {};
    const errors: FormErrors = {};
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      if (!(path in errors)) errors[path] = translateIssue(issue);
    }
    return errors;
  };
}

export type FormLike = {
  getValues: () => unknown;
  setErrors: (errors: FormErrors | ((current: FormErrors) => FormErrors)) => void;
};

function hasPath(values: unknown, path: string): boolean {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** Puts server field errors on the matching inputs; anything else becomes a notification. */
export function applyFormErrors(form: FormLike, error: unknown): void {
  if (error instanceof ApiError && !error.handled) {
    const values = form.getValues();
    const found: FormErrors = {};
    const candidates = [...error.issues];
    if (error.field) candidates.push({ field: error.field, message: error.message });
    for (const issue of candidates) {
      const path = issue.field.replace(/^body\./, '');
      if (path in found || !hasPath(values, path)) continue;
      found[path] = issue.message ? serverSentence(issue.message) : errorMessage(error);
    }
    if (Object.keys(found).length > 0) {
      form.setErrors((current) => ({ ...current, ...found }));
      return;
    }
  }
  notifyError(error);
}
