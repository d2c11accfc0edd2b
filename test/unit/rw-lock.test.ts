import { describe, expect, it } from 'vitest';
import { RwLock } from '../../main/disk/rw-lock.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('RwLock', () => {
  it('runs requests in arrival order: a read after a write waits for it, reads before it run together', async () => {
    const lock = new RwLock();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name}+`);
      await tick();
      log.push(`${name}-`);
    };
    await Promise.all([lock.read(step('r1')), lock.read(step('r2')), lock.write(step('w')), lock.read(step('r3'))]);
    expect(log.slice(0, 2).sort()).toEqual(['r1+', 'r2+']);
    expect(log.indexOf('w+')).toBeGreaterThan(log.indexOf('r1-'));
    expect(log.indexOf('w+')).toBeGreaterThan(log.indexOf('r2-'));
    expect(log.indexOf('r3+')).toBeGreaterThan(log.indexOf('w-'));
  });

  it('releases the lock when the work throws', async () => {
    const lock = new RwLock();
    await expect(lock.write(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.write(async () => 42)).resolves.toBe(42);
  });
});
