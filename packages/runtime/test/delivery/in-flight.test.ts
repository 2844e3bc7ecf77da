import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/delivery/in-flight.js';

describe('InFlight', () => {
  it('holds what was added until it is removed, and reuses a freed slot', () => {
    const inFlight = new InFlight<string>();
    const a = inFlight.add('a');
    inFlight.add('b');
    inFlight.remove(a, 'a');
    expect(inFlight.items()).toEqual(['b']);
    expect(inFlight.add('c')).toBe(a);
    expect(inFlight.items().sort()).toEqual(['b', 'c']);
    expect(inFlight.size).toBe(2);
  });

  it('ignores a second removal, even once the slot holds another item', () => {
    const inFlight = new InFlight<string>();
    const a = inFlight.add('a');
    inFlight.remove(a, 'a');
    inFlight.add('b');
    inFlight.remove(a, 'a');
    expect(inFlight.items()).toEqual(['b']);
    expect(inFlight.size).toBe(1);
  });

  it('gives a copy, so that removing while going through the items misses none', () => {
    const inFlight = new InFlight<string>();
    const slots = new Map(['a', 'b', 'c'].map((item) => [item, inFlight.add(item)]));
    const seen: string[] = [];
    for (const item of inFlight.items()) {
      seen.push(item);
      inFlight.remove(slots.get(item)!, item);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(inFlight.size).toBe(0);
  });

  it('after clear, holds nothing and ignores removals of what it held', () => {
    const inFlight = new InFlight<string>();
    const a = inFlight.add('a');
    inFlight.clear();
    inFlight.remove(a, 'a');
    expect(inFlight.size).toBe(0);
    expect(inFlight.add('b')).toBe(0);
    expect(inFlight.items()).toEqual(['b']);
  });
});
