import type { TargetTypeName } from '../../src/targets/registry.js';
import type { CollapseMode } from '../../src/targets/options.js';
import { BASELINES } from '../baselines/index.js';
import type { BenchDestinations } from '../cases.js';
import { measureWarmInvocations, workerArguments } from './invocation.js';

/** The same bytes through the same clients, written directly. */
const [type, collapse, destinations] = workerArguments().rest;
if (!type || !collapse || !destinations) throw new Error('usage: baseline worker ... TYPE COLLAPSE DESTINATIONS_JSON');
const baseline = await BASELINES[type as TargetTypeName]();
const send = baseline(collapse as CollapseMode, JSON.parse(destinations) as BenchDestinations);
await measureWarmInvocations(send);
