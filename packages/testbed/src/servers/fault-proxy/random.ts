import { randomInt } from 'node:crypto';

/** A source of numbers in [0, 1). */
export type Random = () => number;

/** A seed for a run that was given none (the proxy says which, so that a failure can be replayed). */
export function randomSeed(): number {
  return randomInt(2 ** 31);
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The first of the kinds whose cumulative rate the draw falls under, if any (rates sum to at most 1). */
export function pick<Kind extends string>(kinds: readonly Kind[], rates: Partial<Record<Kind, number>>, random: Random): Kind | undefined {
  const draw = random();
  let cumulative = 0;
  for (const kind of kinds) {
    cumulative += rates[kind] ?? 0;
    if (draw < cumulative) return kind;
  }
  return undefined;
}

/** Checks that each rate is within [0, 1] and that they sum to at most 1. */
export function checkRates(rates: Readonly<Record<string, number | undefined>>, where: string): void {
  let sum = 0;
  for (const [kind, rate] of Object.entries(rates)) {
    if (rate === undefined) continue;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${where}: rate ${kind} is ${rate}; a rate is between 0 and 1`);
    sum += rate;
  }
  if (sum > 1 + 1e-9) throw new RangeError(`${where}: the rates sum to ${sum}; one request gets one fault at most, so they sum to 1 at most`);
}
