import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { LEAD_STANDARD_FIELDS, type LeadStandardField } from '@leadflow/shared/leads';
import type { LeadRow } from './leads.mapper.ts';
import type { LeadFieldDefinition } from './lead-query.ts';
import { isoInZoneFormatter, zoneOffsetCache } from './zone-offsets.ts';

/**
 * Lead exports as CSV or XLSX, written batch by batch so memory stays flat whatever the row count.
 *
 * Dates: CSV cells are ISO 8601 in the workspace's time zone with its offset (2025-03-01T14:30:00-03:00), so they
 * are unambiguous and read as local time; XLSX cells are real date cells holding the workspace's local time (the
 * header names the zone), so spreadsheets sort and filter them. Lists (phones, emails, tags, multi-select values)
 * are joined with ", ". Text that a spreadsheet would run as a formula is neutralised (OWASP CSV injection).
 */

export type ExportValue = string | number | boolean | { instant: Date } | null;

/** A column of an export: its header and how a row gives its cell. Leads by default; other exports pass their rows. */
export type ExportColumn<Row = LeadRow> = { name: string; header: string; isDate: boolean; value(row: Row): ExportValue };

export const STANDARD_LABELS: Record<LeadStandardField, string> = {
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  phone: 'Phone',
  email: 'Email',
  source: 'Source',
  campaign: 'Campaign',
  city: 'City',
  state: 'State',
  country: 'Country',
  zip: 'ZIP',
  timeZone: 'Time zone',
  language: 'Language',
  tags: 'Tags',
  ownerId: 'Owner',
  pipelineId: 'Pipeline',
  stageId: 'Stage',
  score: 'Score',
  nextFollowUpAt: 'Next follow-up',
  lostReason: 'Lost reason',
  origin: 'Origin',
  createdAt: 'Created at',
  updatedAt: 'Updated at',
  lastActivityAt: 'Last activity',
  cameBackAt: 'Came back',
  sourceDetail: 'Source detail',
  eventId: 'Event',
  referralType: 'Referral',
  referredByLeadId: 'Referred by (client)',
  referredByContactId: 'Referred by (contact)',
  referredAt: 'Referred at',
  clientSince: 'Client since',
  isClient: 'Client',
  stageStatus: 'Stage status',
};

/** What an export holds when no columns are chosen: the usual list columns, then every custom field. */
export const DEFAULT_EXPORT_COLUMNS: readonly LeadStandardField[] = [
  'name',
  'company',
  'phone',
  'email',
  'source',
  'campaign',
  'city',
  'state',
  'country',
  'tags',
  'ownerId',
  'stageId',
  'score',
  'nextFollowUpAt',
  'createdAt',
];

const LIST_SEPARATOR = ', ';
const instant = (d: Date | null): ExportValue => (d ? { instant: d } : null);
const joined = (values: readonly string[]): ExportValue => (values.length ? values.join(LIST_SEPARATOR) : null);

type ExportNames = {
  pipelines: ReadonlyMap<string, string>;
  /** Event, referrer lead and referrer contact names by id, when those columns are exported. */
  events?: ReadonlyMap<string, string>;
  referrers?: ReadonlyMap<string, string>;
};

function standardValue(field: LeadStandardField, names: ExportNames): (row: LeadRow) => ExportValue {
  switch (field) {
    case 'name':
      return ({ lead }) => [lead.firstName, lead.lastName].filter(Boolean).join(' ') || null;
    case 'phone':
      return ({ lead }) => joined(lead.phones.map((p) => p.e164 ?? p.raw));
    case 'email':
      return ({ lead }) => joined(lead.emails);
    case 'tags':
      return ({ lead }) => joined(lead.tags);
    case 'ownerId':
      return ({ lead, ownerName }) => (lead.ownerId ? (ownerName ?? 'Former member') : null);
    case 'pipelineId':
      return ({ lead }) => (lead.pipelineId ? (names.pipelines.get(lead.pipelineId) ?? null) : null);
    case 'stageId':
      return ({ stageName }) => stageName;
    case 'score':
      return ({ lead }) => lead.score;
    case 'nextFollowUpAt':
      return ({ lead }) => instant(lead.nextFollowUpAt);
    case 'createdAt':
      return ({ lead }) => instant(lead.createdAt);
    case 'updatedAt':
      return ({ lead }) => instant(lead.updatedAt);
    case 'lastActivityAt':
      return ({ lead }) => instant(lead.lastActivityAt);
    case 'cameBackAt':
      return ({ lead }) => instant(lead.cameBackAt);
    case 'referredAt':
      return ({ lead }) => instant(lead.referredAt);
    case 'clientSince':
      return ({ lead }) => instant(lead.clientSince);
    case 'isClient':
      return ({ lead }) => lead.clientSince !== null;
    case 'stageStatus':
      return ({ stageStatus }) => stageStatus ?? null;
    case 'eventId':
      return ({ lead }) => (lead.eventId ? (names.events?.get(lead.eventId) ?? lead.eventId) : null);
    case 'referredByLeadId':
      return ({ lead }) => (lead.referredByLeadId ? (names.referrers?.get(lead.referredByLeadId) ?? lead.referredByLeadId) : null);
    case 'referredByContactId':
      return ({ lead }) => (lead.referredByContactId ? (names.referrers?.get(lead.referredByContactId) ?? lead.referredByContactId) : null);
    default:
      return ({ lead }) => lead[field] ?? null;
  }
}

function customValue(def: LeadFieldDefinition, members: ReadonlyMap<string, string>): (row: LeadRow) => ExportValue {
  const label = (v: unknown) => def.options.find((o) => o.value === v)?.label ?? String(v);
  return ({ lead }) => {
    const v = lead.custom[def.key];
    if (v === undefined || v === null || v === '') return null;
    switch (def.type) {
      case 'number':
      case 'money':
        return typeof v === 'number' ? v : String(v);
      case 'boolean':
        return typeof v === 'boolean' ? v : String(v);
      case 'select':
        return label(v);
      case 'multi_select':
        return Array.isArray(v) ? joined(v.map(label)) : label(v);
      case 'user':
        return members.get(String(v)) ?? String(v);
      case 'datetime': {
        const d = new Date(String(v));
        return Number.isNaN(d.getTime()) ? String(v) : { instant: d };
      }
      default:
        return typeof v === 'string' ? v : JSON.stringify(v);
    }
  };
}

export function buildExportColumns(
  names: readonly string[],
  ctx: {
    customFields: ReadonlyMap<string, LeadFieldDefinition>;
    pipelines: ReadonlyMap<string, string>;
    members: ReadonlyMap<string, string>;
    events?: ReadonlyMap<string, string>;
    referrers?: ReadonlyMap<string, string>;
  },
): ExportColumn[] {
  return names.map((name) => {
    if ((LEAD_STANDARD_FIELDS as readonly string[]).includes(name)) {
      const field = name as LeadStandardField;
      const isDate = ['nextFollowUpAt', 'createdAt', 'updatedAt', 'lastActivityAt', 'cameBackAt', 'referredAt', 'clientSince'].includes(field);
      return { name, header: STANDARD_LABELS[field], isDate, value: standardValue(field, ctx) };
    }
    const def = ctx.customFields.get(name.slice('custom.'.length));
    if (!def) throw new Error(`Unchecked export column ${name}`);
    return { name, header: def.label, isDate: def.type === 'datetime', value: customValue(def, ctx.members) };
  });
}

/** A leading =, +, -, @, tab or carriage return would make a spreadsheet run the cell as a formula. */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quoted when it holds a quote, comma or line break; quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvCell(value: ExportValue, iso: (at: Date) => string): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return iso(value.instant);
  return csvField(neutralizeFormula(value));
}

/** UTF-8 with a byte-order mark (Excel then reads accents right), CRLF line ends, a header row of labels. */
export function csvStream<Row>(batches: AsyncIterable<Row[]>, columns: readonly ExportColumn<Row>[], timeZone: string): Readable {
  const iso = isoInZoneFormatter(timeZone);
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${columns.map((c) => csvField(neutralizeFormula(c.header))).join(',')}\r\n`;
    for await (const batch of batches) {
      let chunk = '';
      for (const row of batch) {
        let line = '';
        for (let i = 0; i < columns.length; i++) line += (i ? ',' : '') + csvCell(columns[i]!.value(row), iso);
        chunk += `${line}\r\n`;
      }
      yield chunk;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

function xlsxCell(value: ExportValue, offsetAt: (at: Date) => number): string | number | boolean | Date | null {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    // Spreadsheets have no time zones: the cell holds the workspace's wall-clock time.
    const at = value.instant;
    return new Date(at.getTime() + offsetAt(at) * 60_000);
  }
  return neutralizeFormula(value);
}

/**
 * An XLSX written by exceljs's streaming writer (rows are flushed into the zip as they are committed, inline strings,
 * no shared-string table). Between batches it waits while the response is not being read.
 */
export function xlsxStream(batches: AsyncIterable<LeadRow[]>, columns: readonly ExportColumn[], timeZone: string): Readable {
  const out = new PassThrough();
  const offsetAt = zoneOffsetCache(timeZone);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Leads');
  sheet.columns = columns.map((c) => ({ key: c.name, width: c.isDate ? 20 : 24 }));
  const headers = columns.map((c) => neutralizeFormula(c.isDate ? `${c.header} (${timeZone})` : c.header));
  sheet.addRow(headers).commit();

  const readerGone = () => out.destroyed || out.writableEnded;
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });

  void (async () => {
    try {
      for await (const batch of batches) {
        for (const lead of batch) {
          const row = sheet.addRow(columns.map((c) => xlsxCell(c.value(lead), offsetAt)));
          columns.forEach((c, i) => {
            if (c.isDate) row.getCell(i + 1).numFmt = XLSX_DATE_FORMAT;
          });
          row.commit();
        }
        if (out.writableNeedDrain) await drained();
        if (readerGone()) break;
      }
      if (readerGone()) return;
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return out;
}
