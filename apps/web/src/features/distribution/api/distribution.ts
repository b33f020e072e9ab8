import type { assignmentLogQuery, availabilityPatch, distributionRuleInput, distributionRulePatch, simulateRequest } from '@leadflow/shared/distribution';
import {
  agentAvailability,
  assignmentHistory,
  assignmentLog,
  availabilityList,
  claimResponse,
  distributionRule,
  distributionRuleList,
  offerList,
  leadSpeed,
  simulateResponse,
  speedToLeadTeam,
  unassignedQueue,
} from '@leadflow/shared/distribution';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, downloadUrl } from '@/lib/api-client';

export type DistributionRule = z.infer<typeof distributionRule>;
export type AgentAvailability = z.infer<typeof agentAvailability>;
export type AssignmentRecord = z.infer<typeof assignmentHistory>['assignments'][number];
export type SimulateRequest = z.input<typeof simulateRequest>;
export type SimulateResponse = z.infer<typeof simulateResponse>;

export const DISTRIBUTION_QUERY_KEY = ['distribution'] as const;
const RULES_KEY = [...DISTRIBUTION_QUERY_KEY, 'rules'] as const;
const AVAILABILITY_KEY = [...DISTRIBUTION_QUERY_KEY, 'availability'] as const;

const rulePath = (ruleId: string) => `/distribution/rules/${encodeURIComponent(ruleId)}`;

export const getRulesQueryOptions = () =>
  queryOptions({ queryKey: RULES_KEY, queryFn: ({ signal }) => api.get('/distribution/rules', { schema: distributionRuleList, signal }) });

export const useDistributionRules = () => useQuery(getRulesQueryOptions());

/**
 * Read again whenever a screen showing it opens: live updates run only while such a screen is open, and what the
 * app keeps for 30 s may be stale by then. Availability is also read by the user menu on every page (the paused
 * mark), so without this the Availability tab would show what was read when the page loaded.
 */
const LIVE = { staleTime: 0 } as const;

export const getAvailabilityQueryOptions = () =>
  queryOptions({ ...LIVE, queryKey: AVAILABILITY_KEY, queryFn: ({ signal }) => api.get('/distribution/availability', { schema: availabilityList, signal }) });

export const useAvailability = (options: { enabled?: boolean } = {}) => useQuery({ ...getAvailabilityQueryOptions(), enabled: options.enabled ?? true });

export const getAssignmentsQueryOptions = (leadId: string) =>
  queryOptions({
    // Under the leads key: a lead's live updates (and every lead invalidation) refresh its history too.
    queryKey: ['leads', 'assignments', leadId],
    queryFn: ({ signal }) => api.get(`/leads/${encodeURIComponent(leadId)}/assignments`, { schema: assignmentHistory, signal }),
  });

export const useLeadAssignments = (leadId: string) => useQuery(getAssignmentsQueryOptions(leadId));

/* The workspace's assignment log. */

export type AssignmentLogItem = z.infer<typeof assignmentLog>['items'][number];
export type AssignmentLogSummary = NonNullable<z.infer<typeof assignmentLog>['summary']>;
export type AssignmentLogFilters = Omit<z.input<typeof assignmentLogQuery>, 'cursor' | 'limit'> & { limit?: number };

export const ASSIGNMENT_LOG_QUERY_KEY = [...DISTRIBUTION_QUERY_KEY, 'log'] as const;

/**
 * Offers, speed to lead and the assignment log change with every lead that arrives, and only the screens that show
 * them listen for those changes (useDistributionLiveUpdates): read them again whenever such a screen opens, rather
 * than show what was cached before an event this tab did not hear.
 */
export const getAssignmentLogQueryOptions = (filters: AssignmentLogFilters) =>
  infiniteQueryOptions({
    ...LIVE,
    queryKey: [...ASSIGNMENT_LOG_QUERY_KEY, filters],
    queryFn: ({ pageParam, signal }) =>
      api.get('/distribution/assignments', { schema: assignmentLog, params: { ...filters, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const useAssignmentLog = (filters: AssignmentLogFilters) => useInfiniteQuery(getAssignmentLogQueryOptions(filters));

/** The CSV download of the log for the same filters (a link: see downloadUrl). */
export function assignmentLogExportUrl(filters: AssignmentLogFilters): string {
  const { userId, ruleId, reason, since, until } = filters;
  return downloadUrl('/distribution/assignments/export', { userId, ruleId, reason, since, until });
}

function useRulesMutation<T, R>(mutationFn: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: RULES_KEY }) });
}

export const useCreateRule = () =>
  useRulesMutation((body: z.input<typeof distributionRuleInput>) => api.post('/distribution/rules', { body, schema: distributionRule }));

export const useUpdateRule = () =>
  useRulesMutation(({ ruleId, ...body }: z.input<typeof distributionRulePatch> & { ruleId: string }) =>
    api.patch(rulePath(ruleId), { body, schema: distributionRule }),
  );

export const useDeleteRule = () => useRulesMutation((ruleId: string) => api.delete(rulePath(ruleId)));

export const useReorderRules = () =>
  useRulesMutation((ruleIds: string[]) => api.post('/distribution/rules/reorder', { body: { ruleIds }, schema: distributionRuleList }));

export const useSimulate = () =>
  useMutation({ mutationFn: (body: SimulateRequest) => api.post('/distribution/simulate', { body, schema: simulateResponse }) });

export function useUpdateAvailability() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, ...body }: z.input<typeof availabilityPatch> & { userId: string }) =>
      api.patch(`/distribution/availability/${encodeURIComponent(userId)}`, { body, schema: agentAvailability }),
    onSuccess: (saved) => {
      queryClient.setQueryData(AVAILABILITY_KEY, (old: z.infer<typeof availabilityList> | undefined) =>
        old ? { agents: old.agents.map((agent) => (agent.userId === saved.userId ? saved : agent)) } : old,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: AVAILABILITY_KEY }),
  });
}

/* First-to-claim offers and speed to lead. */

export type LeadOffer = z.infer<typeof offerList>['offers'][number];
export type SpeedToLeadTeam = z.infer<typeof speedToLeadTeam>;

export const OFFERS_QUERY_KEY = [...DISTRIBUTION_QUERY_KEY, 'offers'] as const;
export const SPEED_QUERY_KEY = [...DISTRIBUTION_QUERY_KEY, 'speed'] as const;

export const getOffersQueryOptions = () =>
  queryOptions({ ...LIVE, queryKey: OFFERS_QUERY_KEY, queryFn: ({ signal }) => api.get('/distribution/offers', { schema: offerList, signal }) });

export const useOffers = () => useQuery(getOffersQueryOptions());

/** The team's day, or with `mine` only the caller's (a manager's own "my new leads"). */
export const getSpeedToLeadQueryOptions = (mine = false) =>
  queryOptions({
    ...LIVE,
    queryKey: [...SPEED_QUERY_KEY, mine ? 'mine' : 'team'],
    queryFn: ({ signal }) => api.get(`/distribution/speed-to-lead${mine ? '?mine=true' : ''}`, { schema: speedToLeadTeam, signal }),
  });

export const useSpeedToLead = (options: { refetchInterval?: number; mine?: boolean } = {}) =>
  useQuery({ ...getSpeedToLeadQueryOptions(options.mine), refetchInterval: options.refetchInterval });

/** Exactly one member wins; the others get 409 (someone else was first, or the offer expired). */
export function useClaimLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (leadId: string) => api.post(`/leads/${encodeURIComponent(leadId)}/claim`, { schema: claimResponse }),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: OFFERS_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: SPEED_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: ASSIGNMENT_LOG_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

export type WaitingLead = z.infer<typeof unassignedQueue>['leads'][number];
/** Under the speed key: every event that refreshes "waiting now" refreshes the unassigned queue too. */
export const UNASSIGNED_QUERY_KEY = [...SPEED_QUERY_KEY, 'unassigned'] as const;

export const useUnassignedQueue = () =>
  useQuery({ ...LIVE, queryKey: UNASSIGNED_QUERY_KEY, queryFn: ({ signal }) => api.get('/distribution/unassigned', { schema: unassignedQueue, signal }) });

/** Gives a waiting lead to someone, on the version the queue read: 409 when someone took it since. */
export function useAssignWaitingLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lead, ownerId }: { lead: WaitingLead; ownerId: string }) =>
      api.patch(`/leads/${encodeURIComponent(lead.id)}`, { body: { version: lead.version, ownerId } }),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: SPEED_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: ASSIGNMENT_LOG_QUERY_KEY });
      await queryClient.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

export const getLeadSpeedQueryOptions = (leadId: string) =>
  queryOptions({
    queryKey: ['leads', 'speed', leadId],
    queryFn: ({ signal }) => api.get(`/leads/${encodeURIComponent(leadId)}/speed`, { schema: leadSpeed, signal }),
  });

export const useLeadSpeed = (leadId: string) => useQuery(getLeadSpeedQueryOptions(leadId));
