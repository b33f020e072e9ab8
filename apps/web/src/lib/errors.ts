import { ApiError } from '@/lib/api-client';
import { i18n } from '@/lib/i18n';

/** English messages of the shared zod field schemas, mapped to translation keys. */
const MESSAGE_KEYS = {
  'Enter a valid email address': 'validation.email',
  'Email is too long': 'validation.emailTooLong',
  'Name is required': 'validation.required',
  'Password is required': 'validation.required',
  'Current password is required': 'validation.required',
  'Name is too long': 'validation.nameTooLong',
  'Use lowercase letters, digits and dashes': 'validation.slug',
  'Enter the 6-digit code': 'validation.totp',
  'Give either the 6-digit code or a recovery code': 'validation.codeOrRecovery',
  'Unknown time zone': 'validation.timeZone',
  'Use a 3-letter ISO currency code': 'validation.currency',
  'Use a 2-letter ISO country code': 'validation.country',
  'At least 5 minutes': 'validation.idleMin',
  'At most 30 days': 'validation.idleMax',
  'At least 1 day': 'validation.trashMin',
  'At most 10 years': 'validation.trashMax',
  'Must be a UUID': 'validation.invalid',
  'Give the lead a name, a company, a phone or an email': 'validation.leadIdentity',
  'Phone is too short': 'validation.phoneTooShort',
  'Phone is too long': 'validation.phoneTooLong',
  'The note is empty': 'validation.noteEmpty',
  'The note is too long': 'validation.noteTooLong',
  'Label is required': 'validation.labelRequired',
  'A select field needs at least one option': 'validation.optionsRequired',
  'Use lowercase letters, digits and underscores, starting with a letter': 'validation.fieldKey',
  'Enter a valid URL': 'validation.url',
  'Use an ISO date-time': 'validation.isoDateTime',
  'Enter a number': 'validation.number',
  'Enter an amount': 'validation.amount',
  'Use at most 2 decimal places': 'validation.decimals',
  'Choose one of the options': 'validation.option',
  'Enter a web address starting with http:// or https://': 'validation.webAddress',
  'No such member in this workspace': 'validation.member',
  'Unknown country code': 'validation.countryCode',
  'Use a date as YYYY-MM-DD': 'validation.date',
  'Enter text': 'validation.text',
} as const;

type KnownMessage = keyof typeof MESSAGE_KEYS;

function isKnownMessage(message: string): message is KnownMessage {
  return Object.hasOwn(MESSAGE_KEYS, message);
}

/** Translates a validation message from the shared schemas (client or server side), else returns it unchanged. */
export function translateMessage(message: string): string | null {
  return isKnownMessage(message) ? i18n.t(MESSAGE_KEYS[message]) : null;
}

/** Codes whose server message says what to fix ("Another rule already has priority 80"): shown, translated when known. */
const SPECIFIC_CODES: ReadonlySet<string> = new Set(['VALIDATION_FAILED', 'CONFLICT']);

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (SPECIFIC_CODES.has(error.code) && error.message) return serverSentence(error.message);
    return i18n.t(`errors.${error.code}`);
  }
  if (error instanceof TypeError && error.message.toLowerCase().includes('fetch')) return i18n.t('errors.NETWORK');
  return i18n.t('errors.INTERNAL');
}

/** Errors that are not the server's answer are bugs: they go to the console for whoever debugs. */
export function reportUnexpected(error: unknown): void {
  if (!(error instanceof ApiError)) console.error(error);
}

/**
 * The server's own sentence, translated when it is one the app knows. Schema errors come as "field: message"; the
 * field prefix (a path like `members.1.weight`) is left out, the input it belongs to shows it.
 */
export function serverSentence(message: string): string {
  const known = translateMessage(message);
  if (known) return known;
  const prefixed = /^[\w.]+: (.+)$/.exec(message);
  return prefixed ? (translateMessage(prefixed[1]!) ?? prefixed[1]!) : message;
}
