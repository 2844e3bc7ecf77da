import type { GrantPlace, GrantStatement } from './types.js';

/** Shared by the sns type and the failure destinations (a target's or the function's store, a mapping's on-failure topic). */
export const PUBLISH_TO_TOPICS: GrantStatement = { sid: 'PublishToTopics', actions: ['sns:Publish'] };
/** Shared by the sqs type and a mapping's on-failure queue. */
export const SEND_TO_QUEUES: GrantStatement = { sid: 'SendToQueues', actions: ['sqs:SendMessage'] };

/** The region an AWS endpoint's host names: `sqs.eu-west-1.amazonaws.com`, `abc-ats.iot.eu-west-1.amazonaws.com`. */
export const REGION_IN_HOST = /(?:^|\.)([a-z]{2}(?:-[a-z]+)+-\d+)\./;

/** An ARN of the function's account, in the place's region unless another is given. */
export function arnIn(place: GrantPlace, service: string, resource: string, region = place.region): string {
  return `arn:${place.partition}:${service}:${region}:${place.accountId}:${resource}`;
}

/** The destination when it is an ARN already, else the ARN `build` makes of its name. */
export function arnOr(destination: string, build: () => string): string {
  return destination.startsWith('arn:') ? destination : build();
}

/** An http(s) URL's host name, with `https://` assumed when the destination has no scheme. */
export function hostOf(endpoint: string): string {
  return new URL(/^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`).hostname;
}
