/**
 * A first-come-first-served readers/writer lock. Reads that arrive together run together; a write waits
 * for the reads before it and holds back the requests after it, so every request sees exactly the writes
 * issued before it (the order a guest's disk controller relies on).
 */
export class RwLock {
  private active = 0; // running readers, or -1 while a writer runs
  private readonly queue: { write: boolean; wake: () => void }[] = [];

  async read<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  async write<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(write: boolean): Promise<void> {
    if (this.queue.length === 0 && (write ? this.active === 0 : this.active >= 0)) {
      this.active = write ? -1 : this.active + 1;
      return Promise.resolve();
    }
    return new Promise((wake) => this.queue.push({ write, wake }));
  }

  private release(): void {
    this.active = this.active === -1 ? 0 : this.active - 1;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.write ? this.active !== 0 : this.active < 0) break;
      this.queue.shift();
      this.active = next.write ? -1 : this.active + 1;
      next.wake();
      if (next.write) break;
    }
  }
}
