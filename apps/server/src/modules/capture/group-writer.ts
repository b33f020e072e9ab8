/**
 * Group commit: callers hand over one item each and wait for it to be written; while a write is in flight, the
 * items that arrive meanwhile wait together and go in the next write. One caller alone gets a write of its
 * own at once (no added delay); a burst of 500 webhooks a second shares a few dozen multi-row INSERTs instead
 * of making 500. Each caller learns the outcome of its own item, or the error of its group.
 */
export type GroupWriter<T, R> = {
  write(item: T): Promise<R>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
};

export function createGroupWriter<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  /** `windowMs`: a group starting from idle first waits this long for company (a commit costs more than a row). */
  options: { maxGroup?: number; windowMs?: number } = {},
): GroupWriter<T, R> {
  const maxGroup = options.maxGroup ?? 500;
  const windowMs = options.windowMs ?? 0;
  let gathering = false;
  type Waiting = { item: T; resolve: (r: R) => void; reject: (err: unknown) => void };
  let queue: Waiting[] = [];
  let inFlight: Promise<void> | null = null;

  function pump(): void {
    if (inFlight || gathering || !queue.length) return;
    if (windowMs > 0 && queue.length < maxGroup) {
      gathering = true;
      setTimeout(() => {
        gathering = false;
        start();
      }, windowMs);
      return;
    }
    start();
  }

  function start(): void {
    if (inFlight || !queue.length) return;
    const group = queue.slice(0, maxGroup);
    queue = queue.slice(group.length);
    inFlight = flush(group.map((w) => w.item))
      .then(
        (results) => group.forEach((w, i) => w.resolve(results[i]!)),
        (err: unknown) => group.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inFlight = null;
        // Those that arrived meanwhile have waited already: their group goes now.
        start();
      });
  }

  return {
    write(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    async idle() {
      while (inFlight || queue.length || gathering) await (inFlight ?? new Promise((r) => setTimeout(r, windowMs)));
    },
  };
}
