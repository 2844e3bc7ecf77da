import { pathToFileURL } from 'node:url';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';
import { measureWarmInvocations, workerArguments } from './invocation.js';

/** The function as Lambda runs it: the built bundle, configured by its environment. */
const [bundle] = workerArguments().rest;
if (!bundle) throw new Error('usage: fanout worker ... BUNDLE');
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: StreamEvent, context: { getRemainingTimeInMillis(): number }) => Promise<BatchResponse>;
};
const context = { getRemainingTimeInMillis: () => 900_000 };
await measureWarmInvocations((event) => handler(event, context));
