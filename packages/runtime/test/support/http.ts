import { HttpSinkClient, uniqueName } from '@fanout/testbed';
import { inject } from 'vitest';

export const sink = new HttpSinkClient(inject('testbed').http.endpoint);

/** A path on the sink that no other test posts to. */
export function uniqueSinkPath(): string {
  return `/${uniqueName('http-target')}`;
}
