import { calendarFeedCreated, calendarFeedStatus } from '@leadflow/shared/calendar';
import { taskComment, taskCommentList, taskItem, taskList, type TaskComment, type completeTaskRequest, type createTaskRequest, type TaskItem, type TaskQueue, type updateTaskRequest } from '@leadflow/shared/tasks';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z as zod } from 'zod';
import type { z } from 'zod';
import { api } from '@/lib/api-client';

export type { TaskComment, TaskItem, TaskQueue };
export type CreateTaskInput = z.input<typeof createTaskRequest>;
export type CompleteTaskInput = z.input<typeof completeTaskRequest>;
export type UpdateTaskInput = z.input<typeof updateTaskRequest>;

export const TASKS_QUERY_KEY = ['tasks'] as const;

export type TaskListParams = {
  queue: TaskQueue;
  scope: 'mine' | 'team';
  leadId?: string;
  type?: TaskItem['type'] | undefined;
  priority?: TaskItem['priority'] | undefined;
  assigneeId?: string | undefined;
};

export function taskListQueryOptions(p: TaskListParams) {
  return infiniteQueryOptions({
    queryKey: [...TASKS_QUERY_KEY, 'list', p],
    queryFn: ({ pageParam, signal }) =>
      api.get('/tasks', {
        params: { queue: p.queue, scope: p.scope, leadId: p.leadId, type: p.type, priority: p.priority, assigneeId: p.assigneeId, limit: 50, cursor: pageParam },
        schema: taskList,
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTaskList(p: TaskListParams) {
  return useInfiniteQuery(taskListQueryOptions(p));
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: TASKS_QUERY_KEY });
}

export function useCreateTask() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: CreateTaskInput) => api.post('/tasks', { body, schema: taskItem }), onSuccess: invalidate });
}

export function useCompleteTask() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: CompleteTaskInput & { id: string }) => api.post(`/tasks/${encodeURIComponent(id)}/complete`, { body, schema: taskItem }),
    onSuccess: invalidate,
  });
}

export function useReopenTask() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.post(`/tasks/${encodeURIComponent(id)}/reopen`, { schema: taskItem }), onSuccess: invalidate });
}

export function taskQueryOptions(id: string) {
  return queryOptions({ queryKey: [...TASKS_QUERY_KEY, 'one', id], queryFn: ({ signal }) => api.get(`/tasks/${encodeURIComponent(id)}`, { schema: taskItem, signal }) });
}

export function useTask(id: string) {
  return useQuery(taskQueryOptions(id));
}

export type TaskRangeParams = { from: string; to: string; scope: 'mine' | 'team'; assigneeId?: string | undefined };

/** Every open task due in [from, to) — the calendar's range — fetched page by page (at most 2,000). */
export function useTaskRange(p: TaskRangeParams) {
  return useQuery({
    queryKey: [...TASKS_QUERY_KEY, 'range', p],
    queryFn: async ({ signal }) => {
      const items: TaskItem[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await api.get('/tasks', { params: { queue: 'open', scope: p.scope, assigneeId: p.assigneeId, from: p.from, to: p.to, limit: 200, cursor }, schema: taskList, signal });
        items.push(...res.items);
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      return items;
    },
    placeholderData: (previous) => previous,
  });
}

export function useUpdateTask() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateTaskInput & { id: string }) => api.patch(`/tasks/${encodeURIComponent(id)}`, { body, schema: taskItem }),
    onSettled: invalidate,
  });
}

export function useDeleteTask() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delete(`/tasks/${encodeURIComponent(id)}`, { schema: zod.object({ ok: zod.literal(true) }) }), onSuccess: invalidate });
}

export function taskCommentsQueryOptions(id: string) {
  return queryOptions({ queryKey: [...TASKS_QUERY_KEY, 'comments', id], queryFn: ({ signal }) => api.get(`/tasks/${encodeURIComponent(id)}/comments`, { schema: taskCommentList, signal }) });
}

export function useTaskComments(id: string) {
  return useQuery(taskCommentsQueryOptions(id));
}

export function useAddTaskComment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api.post(`/tasks/${encodeURIComponent(id)}/comments`, { body: { body }, schema: taskComment }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...TASKS_QUERY_KEY, 'comments', id] }),
  });
}

export function useDeleteTaskComment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (commentId: string) => api.delete(`/tasks/${encodeURIComponent(id)}/comments/${encodeURIComponent(commentId)}`, { schema: zod.object({ ok: zod.literal(true) }) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...TASKS_QUERY_KEY, 'comments', id] }),
  });
}

const FEED_KEY = ['calendar-feed'] as const;

/** My iCalendar subscription: its state; create/rotate returns the secret URL once; revoke. */
export function useCalendarFeed() {
  return useQuery({ queryKey: FEED_KEY, queryFn: ({ signal }) => api.get('/calendar/feed', { schema: calendarFeedStatus, signal }) });
}

export function useRotateCalendarFeed() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => api.post('/calendar/feed', { schema: calendarFeedCreated }), onSuccess: (data) => qc.setQueryData(FEED_KEY, data) });
}

export function useRevokeCalendarFeed() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => api.delete('/calendar/feed', { schema: calendarFeedStatus }), onSuccess: (data) => qc.setQueryData(FEED_KEY, data) });
}
