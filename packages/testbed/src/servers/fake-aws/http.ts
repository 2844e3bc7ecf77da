import type { Handler, Reply } from './calls.js';

/** Any request that is not AWS's: 200, no body. */

const ACCEPTED: Reply = { status: 200, headers: {}, body: '' };

export const accept: Handler = ({ body, path }, keep) => {
  keep?.(path, body.toString('base64'));
  return { entries: 1, reply: ACCEPTED };
};
