import { motoRequests, uniqueName, type MotoRequest } from '@fanout/testbed';
import { aws } from './harness.js';

/** A topic no other test publishes to. */
export function uniqueTopic(): string {
  return `fanout/${uniqueName('topic')}`;
}

/** An iot target's destination for the topic: moto's endpoint stands in for the account's data endpoint. */
export function iotDestination(topic: string): string {
  return `${aws.endpoint}#${topic}`;
}

/** The Publish requests moto received for the topic, oldest first. */
export function publishedTo(topic: string): MotoRequest[] {
  const path = `/topics/${encodeURIComponent(topic)}`;
  return motoRequests(aws, /^\/topics\//).filter((request) => new URL(request.url).pathname === path);
}
