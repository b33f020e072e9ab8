import { z } from 'zod';

/** Field schemas reused by server validation and client forms. */
export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long')
  .pipe(z.email({ message: 'Enter a valid email address' }));

export const passwordField = z
  .string()
  .min(10, 'Use at least 10 characters')
  .max(200, 'Use at most 200 characters');

export const personNameField = z.string().trim().min(1, 'Name is required').max(120, 'Name is too long');

export const workspaceNameField = z.string().trim().min(2, 'Use at least 2 characters').max(80, 'Name is too long');

export const slugField = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Use lowercase letters, digits and dashes');

export const uuidField = z.uuid({ message: 'Must be a UUID' });

export const totpCodeField = z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code');

export const LOCALES = ['en', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];
export const localeField = z.enum(LOCALES);

export const THEMES = ['light', 'dark', 'auto'] as const;
export const themeField = z.enum(THEMES);

export const timeZoneField = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown time zone');

export const currencyField = z.string().regex(/^[A-Z]{3}$/, 'Use a 3-letter ISO currency code');
