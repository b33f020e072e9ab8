import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Permission } from '@leadflow/shared/permissions';
import type { EventBus } from './event-bus.ts';

type Connection = { socket: WebSocket; userId: string; workspaceId: string; permissions: ReadonlySet<Permission> };

/**
 * One WebSocket per browser tab. Events arrive through the bus (LISTEN/NOTIFY), so a browser connected
 * to any instance sees what happened on every instance; each is sent only to the sockets its audience allows.
 */
export async function realtimeRoutes(app: FastifyInstance, opts: { events: EventBus }) {
  const connections = new Set<Connection>();

  const unsubscribe = opts.events.subscribe((event) => {
    const message = JSON.stringify({ type: event.type, workspaceId: event.workspaceId, data: event.data, at: event.at });
    for (const c of connections) {
      if (c.workspaceId !== event.workspaceId) continue;
      const a = event.audience;
      const targeted = Boolean(a?.userIds || a?.permission);
      const allowed =
        !targeted || Boolean(a?.userIds?.includes(c.userId)) || Boolean(a?.permission && c.permissions.has(a.permission));
      if (allowed && c.socket.readyState === c.socket.OPEN) c.socket.send(message);
    }
    // Roles and memberships changed: sockets reconnect so their permissions are read again.
    if (event.type === 'role.updated' || event.type === 'member.updated') {
      for (const c of connections) {
        if (c.workspaceId === event.workspaceId) c.socket.close(4001, 'permissions changed');
      }
    }
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    for (const c of connections) c.socket.close(1001, 'server shutting down');
  });

  app.get(
    '/ws',
    {
      websocket: true,
      schema: { tags: ['Real time'], summary: 'WebSocket of live events for the signed-in member (new lead, assignment, message, mention, task due)' },
      preValidation: async (request) => {
      // Browsers do not apply CORS to WebSockets: refuse pages from other origins (cross-site WebSocket hijacking).
      const origin = request.headers.origin;
      const host = request.headers.host;
      if (origin && host && new URL(origin).host !== host) {
        throw Object.assign(new Error('Cross-origin WebSocket refused'), { statusCode: 403 });
      }
      },
    },
    (socket, request) => {
      const auth = request.auth!;
      const conn: Connection = { socket, userId: auth.user.id, workspaceId: auth.workspace!.id, permissions: auth.permissions };
      connections.add(conn);
      socket.on('close', () => connections.delete(conn));
      socket.on('message', (raw) => {
        if (raw.toString() === 'ping') socket.send('pong');
      });
      socket.send(JSON.stringify({ type: 'hello', workspaceId: conn.workspaceId, data: {}, at: new Date().toISOString() }));
    },
  );
}
