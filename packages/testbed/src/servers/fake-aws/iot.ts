import type { Handler, Reply } from './calls.js';

/** IoT data's Publish (REST JSON): POST /topics/TOPIC, answered with no body. */

const TOPICS_PREFIX = '/topics/';
const PUBLISHED: Reply = { status: 200, headers: {}, body: '' };

export const publish: Handler = ({ body, path }, keep) => {
  keep?.(decodeURIComponent(path.slice(TOPICS_PREFIX.length)), body.toString('base64'));
  return { entries: 1, reply: PUBLISHED };
};
