import {
  notificationItem,
  notificationList,
  notificationPreferences,
  unreadCount,
  type NotificationItem,
  type NotificationPreferences,
  type updateNotificationPreferences,
} from '@leadflow/shared/notifications';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '@/lib/api-client';

export type { NotificationItem, NotificationPreferences };
export type PreferencesInput = z.input<typeof updateNotificationPreferences>;

export const NOTIFICATIONS_QUERY_KEY = ['notifications'] as const;
export const UNREAD_QUERY_KEY = [...NOTIFICATIONS_QUERY_KEY, 'unread'] as const;
const PREFERENCES_QUERY_KEY = [...NOTIFICATIONS_QUERY_KEY, 'preferences'] as const;
const PAGE_SIZE = 30;

export function notificationListQueryOptions(unreadOnly: boolean) {
  return infiniteQueryOptions({
    queryKey: [...NOTIFICATIONS_QUERY_KEY, 'list', { unreadOnly }],
    queryFn: ({ pageParam, signal }) =>
      api.get('/notifications', {
        params: { limit: PAGE_SIZE, cursor: pageParam, unread: unreadOnly ? 'true' : undefined },
        schema: notificationList,
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useNotificationList(unreadOnly: boolean, enabled: boolean) {
  return useInfiniteQuery({ ...notificationListQueryOptions(unreadOnly), enabled });
}

export const unreadQueryOptions = () =>
  queryOptions({
    queryKey: UNREAD_QUERY_KEY,
    queryFn: ({ signal }) => api.get('/notifications/unread-count', { schema: unreadCount, signal }),
    select: (data) => data.unread,
  });

export function useUnreadCount() {
  return useQuery(unreadQueryOptions());
}

/** After a change: the new count at once, then the lists read again. */
function useRefresh() {
  const queryClient = useQueryClient();
  return (unread?: number) => {
    if (unread !== undefined) queryClient.setQueryData(UNREAD_QUERY_KEY, { unread });
    void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_QUERY_KEY });
  };
}

export function useMarkNotification() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, read }: { id: string; read: boolean }) =>
      api.patch(`/notifications/${encodeURIComponent(id)}`, { body: { read }, schema: notificationItem }),
    onSettled: () => refresh(),
  });
}

export function useMarkAllRead() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => api.post('/notifications/mark-all-read', { schema: z.object({ marked: z.number() }) }),
    onSuccess: () => refresh(0),
    onError: () => refresh(),
  });
}

export function useNotificationPreferences() {
  return useQuery(
    queryOptions({
      queryKey: PREFERENCES_QUERY_KEY,
      queryFn: ({ signal }) => api.get('/notifications/preferences', { schema: notificationPreferences, signal }),
    }),
  );
}

export function useUpdateNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesInput) => api.put('/notifications/preferences', { body, schema: notificationPreferences }),
    onSuccess: (prefs) => queryClient.setQueryData(PREFERENCES_QUERY_KEY, prefs),
  });
}
