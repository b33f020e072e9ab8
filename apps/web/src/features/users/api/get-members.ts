import type { MEMBER_STATUSES } from '@leadflow/shared/workspace';
import { memberList } from '@leadflow/shared/workspace';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const MEMBERS_QUERY_KEY = ['members'] as const;

export function getMembers(status?: MemberStatus, signal?: AbortSignal) {
  return api.get('/members', { schema: memberList, params: { status }, signal });
}

export function getMembersQueryOptions(status?: MemberStatus) {
  return queryOptions({
    queryKey: [...MEMBERS_QUERY_KEY, status ?? 'all'],
    queryFn: ({ signal }) => getMembers(status, signal),
  });
}

export function useMembers(status?: MemberStatus, options: { enabled?: boolean } = {}) {
  return useQuery({ ...getMembersQueryOptions(status), enabled: options.enabled ?? true });
}
