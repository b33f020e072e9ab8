import type { Permission } from '@leadflow/shared/permissions';
import type { Database } from '../db/client.ts';

/** Who in the workspace receives an event: listed users, holders of a permission, or — with neither — every member. */
export type Audience = { userIds?: string[]; permission?: Permission };

export type BusEvent = { workspaceId: string; type: string; data: Record<string, unknown>; audience?: Audience };

export type ReceivedEvent = BusEvent & { at: string };

export type EventBus = {
  publish(event: BusEvent): Promise<void>;
  /** Several events in one round trip (a batch of captured leads), in order; same rules as `publish`. */
  publishMany(events: BusEvent[]): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (event: ReceivedEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
};

type Logger = { error(obj: unknown, msg?: string): void };
type Options = { logger?: Logger };

const consoleLogger: Logger = { error: (obj, msg) => console.error(msg, obj) };

const CHANNEL = 'lf_events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

/**
 * Real-time fan-out across app instances over LISTEN/NOTIFY (PGlite's listen when embedded). Local
 * subscribers also receive events through the database, never directly, so every instance sees the same
 * stream in the same order. Delivery is best-effort: an instance that is not listening misses the event.
 */
export function createEventBus(database: Database, { logger = consoleLogger }: Options = {}): EventBus {
  const subscribers = createSubscribers(logger);
  let listening: Promise<() => Promise<void>> | undefined;

  return {
    async publish(event) {
      await database.notify(CHANNEL, encode(event));
    },
    async publishMany(events) {
      // Encoded first: one oversized event refuses the batch before anything is sent.
      const payloads = events.map(encode);
      for (let i = 0; i < payloads.length; i += 100) {
        const chunk = payloads.slice(i, i + 100);
        await database.query(`SELECT ${chunk.map((_, k) => `pg_notify($1, $${k + 2})`).join(', ')}`, [CHANNEL, ...chunk]);
      }
    },
    subscribe: (handler) => subscribers.add(handler),
    async start() {
      listening ??= database
        .listen(CHANNEL, (payload) => {
          const event = decode(payload);
          if (event) subscribers.deliver(event);
          else logger.error({ payload: payload.slice(0, 200) }, 'malformed event on the bus');
        })
        .catch((err: unknown) => {
          listening = undefined;
          throw err;
        });
      await listening;
    },
    async stop() {
      const unlisten = listening;
      listening = undefined;
      const stopListening = await unlisten?.catch(() => undefined);
      await stopListening?.();
    },
  };
}

/** In-process only, for unit tests of other modules: same contract (size limit, asynchronous delivery while started). */
export function createLocalEventBus({ logger = consoleLogger }: Options = {}): EventBus {
  const subscribers = createSubscribers(logger);
  let started = false;
  return {
    async publish(event) {
      const payload = encode(event);
      // Like NOTIFY: only a bus listening when the event is published receives it, a moment later.
      if (!started) return;
      setImmediate(() => {
        const received = decode(payload);
        if (received) subscribers.deliver(received);
      });
    },
    async publishMany(events) {
      for (const event of events) await this.publish(event);
    },
    subscribe: (handler) => subscribers.add(handler),
    async start() {
      started = true;
    },
    async stop() {
      started = false;
    },
  };
}

function encode(event: BusEvent): string {
  const payload = JSON.stringify({ ...event, at: new Date().toISOString() } satisfies ReceivedEvent);
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new Error(
      `Event "${event.type}" is ${bytes} bytes; events must stay under 8000 bytes. Send ids and let clients fetch the documents.`,
    );
  }
  return payload;
}

function decode(payload: string): ReceivedEvent | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (!isRecord(value)) return null;
    const { workspaceId, type, data, at, audience } = value;
    if (typeof workspaceId !== 'string' || typeof type !== 'string' || typeof at !== 'string' || !isRecord(data)) {
      return null;
    }
    return { workspaceId, type, data, at, ...(isRecord(audience) ? { audience: audience as Audience } : {}) };
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function createSubscribers(logger: Logger) {
  const handlers = new Set<(event: ReceivedEvent) => void>();
  return {
    add(handler: (event: ReceivedEvent) => void): () => void {
      // Wrapped so the same function can subscribe twice and each unsubscribe removes only its own.
      const entry = (event: ReceivedEvent) => handler(event);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
    /** One failing subscriber must not keep the event from the others. */
    deliver(event: ReceivedEvent): void {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (err) {
          logger.error({ err, eventType: event.type }, 'event subscriber failed');
        }
      }
    },
  };
}
