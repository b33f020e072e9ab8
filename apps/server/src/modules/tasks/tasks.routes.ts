import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { completeTaskRequest, createTaskRequest, taskComment, taskCommentList, taskCommentRequest, taskItem, taskList, taskListQuery, updateTaskRequest } from '@leadflow/shared/tasks';
import { actorOf } from '../accounts/auth.plugin.ts';
import type { TasksService } from './tasks.service.ts';

const idParams = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
const commentParams = idParams.extend({ commentId: z.string().regex(/^\d{1,18}$/, { message: 'Not a comment id' }) });

/** Tasks: members see their own (assigned or created); tasks.view_all sees the team's; tasks.manage changes them. */
export const tasksRoutes: FastifyPluginAsyncZod<{ tasks: TasksService }> = async (app, { tasks }) => {
  const tags = ['Tasks'];

  app.get('/tasks', {
    schema: {
      tags,
      summary: 'A queue of tasks (overdue, today, upcoming, open, done, all) — mine, or the team’s with tasks.view_all; keyset pages',
      querystring: taskListQuery,
      response: { 200: taskList },
    },
    handler: async (request) => tasks.list(actorOf(request), request.query, request.auth!.user.timeZone),
  });

  app.post('/tasks', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Create a task (for myself, or for a member with tasks.view_all), optionally about a lead', body: createTaskRequest, response: { 201: taskItem } },
    handler: async (request, reply) => reply.status(201).send(await tasks.create(actorOf(request), request.body)),
  });

  app.get('/tasks/:id', {
    schema: { tags, summary: 'One task', params: idParams, response: { 200: taskItem } },
    handler: async (request) => tasks.get(actorOf(request), request.params.id),
  });

  app.patch('/tasks/:id', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Change a task (reschedule, reassign, reminders, checklist); pass version to refuse a stale edit', params: idParams, body: updateTaskRequest, response: { 200: taskItem } },
    handler: async (request) => tasks.update(actorOf(request), request.params.id, request.body),
  });

  app.post('/tasks/:id/complete', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Complete a task with an outcome and a note', params: idParams, body: completeTaskRequest, response: { 200: taskItem } },
    handler: async (request) => tasks.complete(actorOf(request), request.params.id, request.body),
  });

  app.post('/tasks/:id/reopen', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Reopen a done task', params: idParams, response: { 200: taskItem } },
    handler: async (request) => tasks.reopen(actorOf(request), request.params.id),
  });

  app.delete('/tasks/:id', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Delete a task', params: idParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (request) => {
      await tasks.remove(actorOf(request), request.params.id);
      return { ok: true as const };
    },
  });

  app.get('/tasks/:id/comments', {
    schema: { tags, summary: 'The comments of a task, oldest first', params: idParams, response: { 200: taskCommentList } },
    handler: async (request) => ({ items: await tasks.listComments(actorOf(request), request.params.id) }),
  });

  app.post('/tasks/:id/comments', {
    config: { permission: 'tasks.manage' },
    schema: {
      tags,
      summary: 'Comment on a task; `@[Name](user:<id>)` mentions notify members who may open the task (on the lead’s timeline and in the audit log)',
      params: idParams,
      body: taskCommentRequest,
      response: { 201: taskComment },
    },
    handler: async (request, reply) => reply.status(201).send(await tasks.addComment(actorOf(request), request.params.id, request.body.body)),
  });

  app.delete('/tasks/:id/comments/:commentId', {
    config: { permission: 'tasks.manage' },
    schema: { tags, summary: 'Delete a comment (its author, or a manager with tasks.view_all)', params: commentParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (request) => {
      await tasks.deleteComment(actorOf(request), request.params.id, request.params.commentId);
      return { ok: true as const };
    },
  });
};
