/**
 * Requests sent to a child process and waiting for its answer by id: each gets a deadline, and all fail at
 * once, with the reason, when the process ends. The engine and netd links both keep theirs here.
 */
export class PendingReplies<T> {
  private readonly waiting = new Map<number, { resolve: (v: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;

  /** A new id and the promise of its answer; `send` is called with the id (and may throw). */
  ask(timeoutMs: number, late: string, send: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(late));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      send(id);
    });
  }

  /** The answer to `id` arrived (an unknown or late id is ignored). */
  settle(id: number, error: string | undefined, value: T): void {
    const r = this.waiting.get(id);
    if (!r) return;
    this.waiting.delete(id);
    clearTimeout(r.timer);
    if (error) r.reject(new Error(error));
    else r.resolve(value);
  }

  failAll(reason: string): void {
    for (const r of this.waiting.values()) {
      clearTimeout(r.timer);
      r.reject(new Error(reason));
    }
    this.waiting.clear();
  }
}
