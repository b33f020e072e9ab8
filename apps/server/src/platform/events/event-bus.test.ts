import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';
import { createEventBus, createLocalEventBus, type EventBus, type ReceivedEvent } from './event-bus.ts';

const WAIT = { timeout: 5_000, interval: 20 };
const WORKSPACE = '6f1c9b8e-0c61-4a53-9c0e-1b1e8f0b1a2b';

/** Collects what a bus delivers; `until` waits for an event of the given type. */
function record(bus: EventBus) {
  const received: ReceivedEvent[] = [];
  const unsubscribe = bus.subscribe((event) => received.push(event));
  const until = (type: string) => vi.waitFor(() => expect(received.map((e) => e.type)).toContain(type), WAIT);
  return { received, unsubscribe, until };
}

describe('event bus on the database', () => {
  let testDb: TestDatabase;
  let bus: EventBus;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    bus = createEventBus(testDb.database);
    await bus.start();
  });
  afterAll(async () => {
    await bus.stop();
    await testDb.dispose();
  });

  it('delivers a published event to subscribers, through the database', async () => {
    const { received, unsubscribe, until } = record(bus);
    await bus.publish({
      workspaceId: WORKSPACE,
      type: 'lead.assigned',
      data: { leadId: 'l1' },
      audience: { userIds: ['u1'], permission: 'leads.view_all' },
    });
    await until('lead.assigned');
    unsubscribe();

    expect(received).toEqual([
      {
        workspaceId: WORKSPACE,
        type: 'lead.assigned',
        data: { leadId: 'l1' },
        audience: { userIds: ['u1'], permission: 'leads.view_all' },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });

  it('publishes many events in one round trip, in order, and refuses the batch if one is too large', async () => {
    const { received, unsubscribe, until } = record(bus);
    const many = Array.from({ length: 150 }, (_, i) => ({ workspaceId: WORKSPACE, type: `batch.${i}`, data: { i } }));
    await bus.publishMany(many);
    await until('batch.149');
    expect(received.map((e) => e.type)).toEqual(many.map((e) => e.type));
    await expect(bus.publishMany([{ workspaceId: WORKSPACE, type: 'small', data: {} }, { workspaceId: WORKSPACE, type: 'big', data: { rows: 'x'.repeat(8000) } }])).rejects.toThrow(/Send ids/);
    await bus.publish({ workspaceId: WORKSPACE, type: 'after-batch', data: {} });
    await until('after-batch');
    unsubscribe();
    expect(received.map((e) => e.type)).not.toContain('small');
  });

  it('refuses an event too large for NOTIFY and asks for ids instead', async () => {
    const { received, unsubscribe, until } = record(bus);
    await expect(
      bus.publish({ workspaceId: WORKSPACE, type: 'lead.imported', data: { rows: 'x'.repeat(8000) } }),
    ).rejects.toThrow(/Send ids/);
    await bus.publish({ workspaceId: WORKSPACE, type: 'after', data: {} });
    await until('after');
    unsubscribe();
    expect(received.map((e) => e.type)).toEqual(['after']);
  });

  it('keeps delivering to others when a subscriber throws, and stops after unsubscribe', async () => {
    const errors: unknown[] = [];
    const guarded = createEventBus(testDb.database, { logger: { error: (obj) => errors.push(obj) } });
    await guarded.start();
    const stopFailing = guarded.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const { received, unsubscribe, until } = record(guarded);

    await guarded.publish({ workspaceId: WORKSPACE, type: 'first', data: {} });
    await until('first');
    expect(errors).toHaveLength(1);

    stopFailing();
    unsubscribe();
    await guarded.publish({ workspaceId: WORKSPACE, type: 'second', data: {} });
    const later = record(guarded);
    await guarded.publish({ workspaceId: WORKSPACE, type: 'third', data: {} });
    await later.until('third');
    expect(received.map((e) => e.type)).toEqual(['first']);
    expect(errors).toHaveLength(1);
    await guarded.stop();
    await guarded.stop();
  });

  it.runIf(process.env.TEST_DATABASE_URL)('fans out between instances on separate connections', async () => {
    const otherDatabase = await openDatabase({ databaseUrl: testDb.databaseUrl! });
    const otherBus = createEventBus(otherDatabase);
    await otherBus.start();
    try {
      const here = record(bus);
      const there = record(otherBus);
      await otherBus.publish({ workspaceId: WORKSPACE, type: 'message.received', data: { messageId: 'm1' } });
      await here.until('message.received');
      await there.until('message.received');
      expect(here.received[0]).toEqual(there.received[0]);
      here.unsubscribe();
      there.unsubscribe();
    } finally {
      await otherBus.stop();
      await otherDatabase.close();
    }
  });
});

describe('local event bus', () => {
  it('delivers asynchronously while started, with the same size limit', async () => {
    const bus = createLocalEventBus();
    const { received, until } = record(bus);

    await bus.publish({ workspaceId: WORKSPACE, type: 'before-start', data: {} });
    await bus.start();
    await bus.publish({ workspaceId: WORKSPACE, type: 'task.due', data: { taskId: 't1' } });
    expect(received).toEqual([]);
    await until('task.due');
    expect(received.map((e) => e.type)).toEqual(['task.due']);

    await expect(bus.publish({ workspaceId: WORKSPACE, type: 'big', data: { blob: 'x'.repeat(8000) } })).rejects.toThrow(
      /8000 bytes/,
    );
    await bus.stop();
  });
});
