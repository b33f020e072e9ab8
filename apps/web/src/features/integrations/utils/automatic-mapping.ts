import { AUTOMATIC_FIELD_MAP } from '@leadflow/shared/capture';

export { AUTOMATIC_FIELD_MAP, MAPPABLE_LEAD_FIELDS } from '@leadflow/shared/capture';

/** The mapping target that keeps an answer on the lead only as a form answer (overrides the automatic mapping). */
export const ANSWER_ONLY = 'answer';

/** The question names of Meta's standard lead form questions, offered when the form's own list is not known. */
export const STANDARD_QUESTIONS = Object.keys(AUTOMATIC_FIELD_MAP);

/**
 * What a question becomes, as the editor shows it: its saved target, else the automatic one (the server maps
 * Meta's standard names without any set-up), else '' — kept as a form answer.
 */
export function targetOf(question: string, fieldMap: Record<string, string> | undefined): string {
  const saved = fieldMap?.[question];
  if (saved === ANSWER_ONLY) return '';
  return saved ?? AUTOMATIC_FIELD_MAP[question] ?? '';
}

/**
 * The fieldMap to save: what the admin sees is what is saved. A standard question kept as a form answer is saved
 * as `answer`, so the automatic mapping does not apply; other unmapped questions are simply left out.
 */
export function fieldMapToSave(choices: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [question, target] of Object.entries(choices)) {
    if (target) out[question] = target;
    else if (AUTOMATIC_FIELD_MAP[question]) out[question] = ANSWER_ONLY;
  }
  return out;
}
