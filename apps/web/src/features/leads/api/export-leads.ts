import { downloadUrl } from '@/lib/api-client';
import type { LeadListQuery } from './get-leads';
import { encodeLeadQuery } from './get-leads';

export type ExportFormat = 'csv' | 'xlsx';

/** The download address of an export (a link: see downloadUrl). */
export function leadExportUrl(query: LeadListQuery, columns: readonly string[], format: ExportFormat): string {
  return downloadUrl('/leads/export', { query: encodeLeadQuery(query), columns: columns.join(','), format });
}
