import type { ImportSettings } from '@leadflow/shared/imports';
import { DATE_FORMATS, IMPORT_MODES, IMPORT_STANDARD_FIELDS } from '@leadflow/shared/imports';

export type ImportMode = (typeof IMPORT_MODES)[number];
export type DateFormat = (typeof DATE_FORMATS)[number];
export type AssignmentKind = ImportSettings['assignment']['kind'];

/** What the wizard's mapping and options steps edit; turned into the server's settings by `toSettings`. */
export type WizardValues = {
  /** Column header → target (a standard field, `custom.<key>`), or null: not imported. */
  mapping: Record<string, string | null>;
  mode: ImportMode;
  matchOn: string | null;
  dateFormat: DateFormat;
  /** Two-letter country for phones without a country code; empty: the workspace's. */
  defaultCountry: string;
  source: string;
  stageId: string | null;
  tags: string[];
  assignment: AssignmentKind;
  userId: string | null;
};

/** Targets that several columns may fill (the lead keeps a list of each). */
export const MULTI_TARGETS = new Set(['phone', 'email', 'tags']);

const STANDARD = new Set<string>(IMPORT_STANDARD_FIELDS);

export function isKnownTarget(target: string, customKeys: ReadonlySet<string>): boolean {
  return STANDARD.has(target) || (target.startsWith('custom.') && customKeys.has(target.slice('custom.'.length)));
}

/** The first values of a column that look like dates tell their order: a first part over 12 is a day. */
export function guessDateFormat(samples: readonly string[]): DateFormat | null {
  let dmy = 0;
  let mdy = 0;
  let ymd = 0;
  for (const raw of samples) {
    const match = raw.trim().match(/^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})/);
    if (!match) continue;
    const [a, b] = [Number(match[1]), Number(match[2])];
    if (match[1]!.length === 4) ymd += 1;
    else if (a > 12 && b <= 12) dmy += 1;
    else if (b > 12 && a <= 12) mdy += 1;
  }
  if (ymd > dmy && ymd > mdy) return 'YMD';
  if (dmy > mdy) return 'DMY';
  if (mdy > dmy) return 'MDY';
  return null;
}

type Column = { header: string; samples: readonly string[]; suggested: string | null };

/** The values the wizard starts from: the settings saved by an earlier dry run, else the server's suggestions. */
export function initialValues(
  columns: readonly Column[],
  saved: Record<string, unknown> | null,
  fallbackDateFormat: DateFormat,
): WizardValues {
  const settings = saved as Partial<ImportSettings> | null;
  const mapping: Record<string, string | null> = {};
  for (const column of columns) mapping[column.header] = column.suggested;
  if (settings?.columns) {
    for (const column of columns) mapping[column.header] = null;
    for (const c of settings.columns) if (c.column in mapping) mapping[c.column] = c.target;
  }
  const dateSamples = columns.flatMap((c) => (c.suggested === 'nextFollowUpAt' || /dat[ae]/i.test(c.header) ? c.samples : []));
  const assignment = settings?.assignment;
  return {
    mapping,
    mode: settings?.mode ?? 'create',
    matchOn: settings?.matchOn ?? (Object.values(mapping).includes('email') ? 'email' : Object.values(mapping).includes('phone') ? 'phone' : null),
    dateFormat: settings?.dateFormat ?? guessDateFormat(dateSamples) ?? fallbackDateFormat,
    defaultCountry: settings?.defaultCountry ?? '',
    source: settings?.defaults?.source ?? '',
    stageId: settings?.defaults?.stageId ?? null,
    tags: settings?.defaults?.tags ?? [],
    assignment: assignment?.kind ?? (Object.values(mapping).includes('owner') ? 'column' : 'none'),
    userId: assignment?.kind === 'user' ? assignment.userId : null,
  };
}

/** A saved template applied to this file: its columns by header (others are left out), and its options. */
export function applyTemplate(values: WizardValues, template: Record<string, unknown>): WizardValues {
  const next = initialValues(
    Object.keys(values.mapping).map((header) => ({ header, samples: [], suggested: null })),
    template,
    values.dateFormat,
  );
  return next;
}

/** Targets that two or more columns go to, where only one may. */
export function duplicateTargets(mapping: Record<string, string | null>): string[] {
  const seen = new Map<string, number>();
  for (const target of Object.values(mapping)) if (target && !MULTI_TARGETS.has(target)) seen.set(target, (seen.get(target) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([target]) => target);
}

export type ValuesProblem = 'nothingMapped' | 'duplicateTarget' | 'matchOnMissing' | 'matchOnUnmapped' | 'userMissing' | 'ownerColumnMissing';

/** What keeps the values from being sent, in the order the user would fix it; empty when they can go. */
export function valuesProblems(values: WizardValues): ValuesProblem[] {
  const targets = Object.values(values.mapping).filter((t): t is string => t !== null);
  const problems: ValuesProblem[] = [];
  if (targets.length === 0) problems.push('nothingMapped');
  if (duplicateTargets(values.mapping).length > 0) problems.push('duplicateTarget');
  if (values.mode !== 'create') {
    if (!values.matchOn) problems.push('matchOnMissing');
    else if (!targets.includes(values.matchOn)) problems.push('matchOnUnmapped');
  }
  if (values.assignment === 'user' && !values.userId) problems.push('userMissing');
  if (values.assignment === 'column' && !targets.includes('owner')) problems.push('ownerColumnMissing');
  return problems;
}

/** The settings the server takes (`importSettings` of the shared contracts). */
export function toSettings(values: WizardValues): ImportSettings {
  const assignment: ImportSettings['assignment'] =
    values.assignment === 'user' && values.userId ? { kind: 'user', userId: values.userId }
    : values.assignment === 'user' ? { kind: 'none' }
    : { kind: values.assignment };
  const defaults: ImportSettings['defaults'] = {};
  if (values.source.trim()) defaults.source = values.source.trim();
  if (values.stageId) defaults.stageId = values.stageId;
  if (values.tags.length) defaults.tags = values.tags;
  return {
    columns: Object.entries(values.mapping).map(([column, target]) => ({ column, target })),
    mode: values.mode,
    matchOn: values.mode === 'create' ? (values.matchOn ?? null) : values.matchOn,
    assignment,
    defaults,
    dateFormat: values.dateFormat,
    ...(values.defaultCountry ? { defaultCountry: values.defaultCountry.toUpperCase() } : {}),
  };
}

/** Seconds as "1:05" or "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Percent of the rows to write that are done (0–100). */
export function progressPercent(progress: { rowsDone: number; rowsTotal: number }): number {
  if (progress.rowsTotal <= 0) return 0;
  return Math.min(100, Math.round((progress.rowsDone / progress.rowsTotal) * 100));
}

/** Skipped rows of a finished import: what the dry run left out (duplicates, existing, not found) and what did not change. */
export function reportCounts(detail: {
  summary: { total: number; errors: number; duplicateInFile: number; existing: number; notFound: number } | null;
  progress: { rowsDone: number; created: number; updated: number };
}) {
  const summary = detail.summary;
  const created = detail.progress.created;
  const updated = detail.progress.updated;
  const unchanged = Math.max(0, detail.progress.rowsDone - created - updated);
  const skipped = summary ? summary.duplicateInFile + summary.existing + summary.notFound + unchanged : unchanged;
  return { created, updated, skipped, failed: summary?.errors ?? 0 };
}
