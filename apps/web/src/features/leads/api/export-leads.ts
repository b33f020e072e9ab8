import { API_BASE } from '@/lib/api-client';
import { getCurrentWorkspaceId } from '@/lib/workspace-store';
import type { LeadListQuery } from './get-leads';
import { encodeLeadQuery } from './get-leads';

export type ExportFormat = 'csv' | 'xlsx';

/**
 * The download address of an export. The browser fetches it through a link, so the file streams straight to
 * disk; the session cookie authenticates it. A link cannot send the x-workspace-id header, so the workspace
 * chosen in this browser goes in the `workspaceId` parameter (without one, the server uses the session's).
 */
export function leadExportUrl(query: LeadListQuery, columns: readonly string[], format: ExportFormat): string {
  const params = new URLSearchParams();
  const encoded = encodeLeadQuery(query);
  if (encoded) params.set('query', encoded);
  if (columns.length > 0) params.set('columns', columns.join(','));
  params.set('format', format);
  const workspaceId = getCurrentWorkspaceId();
  if (workspaceId) params.set('workspaceId', workspaceId);
  return `${API_BASE}/leads/export?${params.toString()}`;
}
