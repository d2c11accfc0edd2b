import { describe, expect, it } from 'vitest';
import { duration } from './format.js';

describe('duration', () => {
  it('says a lease time in its two largest units', () => {
    expect(duration(86400)).toBe('1 d');
    expect(duration(5400)).toBe('1 h 30 min');
    expect(duration(90061)).toBe('1 d 1 h');
    expect(duration(45)).toBe('45 s');
    expect(duration(0)).toBe('0 s');
  });
});
