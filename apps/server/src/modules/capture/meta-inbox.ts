type Logger = { error(obj: unknown, msg?: string): void };

export type InboxRunner = {
  /** Starts the loops; each drains at once, so events left by a process that died are picked up at boot. */
  start(): void;
  /** New events arrived in this process: drain now instead of at the next idle look. */
  wake(): void;
  /** Lets the batches in hand finish, then returns. */
  stop(): Promise<void>;
  readonly running: boolean;
};

/**
 * The workers of the Meta inbox: `concurrency` loops that each drain a batch, and when nothing is due wait for a
 * wake-up from a webhook of this process or `idleMs`, whichever comes first. The idle look is the sweep that
 * finds events received by other instances, retries that came due, and leases that ran out.
 */
export function createInboxRunner(
  drainBatch: () => Promise<number>,
  options: {
    concurrency: number;
    idleMs: number;
    /**
     * After a batch smaller than `smallBatch`, wait this long before claiming again, so the next batch gathers
     * more events: a batch's fixed cost (claim, transaction, a dozen statements) is then shared by many leads
     * under a steady stream, at the price of this much added latency.
     */
    lingerMs?: number;
    smallBatch?: number;
    logger: Logger;
  },
): InboxRunner {
  let running = false;
  let loops: Promise<void>[] = [];
  let waiters: (() => void)[] = [];

  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        waiters = waiters.filter((w) => w !== done);
        resolve();
      }
      waiters.push(done);
    });

  async function loop(): Promise<void> {
    while (running) {
      let drained = 0;
      try {
        drained = await drainBatch();
      } catch (err) {
        // The database went away, a bug: log, wait, try again. Claimed events keep their lease and come back.
        options.logger.error({ err }, 'Meta inbox batch failed');
        await idle(options.idleMs);
        continue;
      }
      if (drained === 0 && running) await idle(options.idleMs);
      else if (running && options.lingerMs && drained < (options.smallBatch ?? 0)) await new Promise((r) => setTimeout(r, options.lingerMs).unref());
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loops = Array.from({ length: Math.max(1, options.concurrency) }, () => loop());
    },
    wake: wakeAll,
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(loops);
      loops = [];
    },
    get running() {
      return running;
    },
  };
}
