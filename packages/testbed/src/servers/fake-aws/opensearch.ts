import { json } from '../fault-proxy/answers.js';
import type { Handler } from './calls.js';
import { newId } from './ids.js';

/**
 * OpenSearch's _bulk: NDJSON, an action line per entry, each action but delete followed by its
 * source line. Lines are cut from the bytes, so that a source is kept exactly as it came; only the
 * (small) action lines are parsed.
 */

const BULK_SUFFIX = '/_bulk';
const NEWLINE = 0x0a;
const CONTENT_TYPE = 'application/json; charset=UTF-8';
const SHARDS = { total: 1, successful: 1, failed: 0 };

/** What each action does to a document that is written (or deleted) as asked. */
const ACTIONS: Record<string, { result: string; status: number; source: boolean }> = {
  index: { result: 'created', status: 201, source: true },
  create: { result: 'created', status: 201, source: true },
  update: { result: 'updated', status: 200, source: true },
  delete: { result: 'deleted', status: 200, source: false },
};

interface ActionMeta {
  _index?: string;
  _id?: string;
}

let seqNo = 0;

function lineEnd(body: Buffer, from: number): number {
  const end = body.indexOf(NEWLINE, from);
  return end < 0 ? body.length : end;
}

export const bulk: Handler = ({ body, path }, keep) => {
  const pathIndex = path.length > BULK_SUFFIX.length ? decodeURIComponent(path.slice(1, -BULK_SUFFIX.length)) : undefined;
  const items: Array<Record<string, unknown>> = [];
  for (let at = 0; at < body.length; ) {
    const end = lineEnd(body, at);
    const line = body.subarray(at, end);
    at = end + 1;
    if (line.length === 0) continue;
    const parsed = JSON.parse(line.toString('utf8')) as Record<string, ActionMeta>;
    const action = Object.keys(parsed)[0] ?? '';
    const effect = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!effect) throw new Error(`_bulk: unknown action ${JSON.stringify(action)}`);
    let source: Buffer | undefined;
    if (effect.source) {
      const sourceEnd = lineEnd(body, at);
      source = body.subarray(at, sourceEnd);
      at = sourceEnd + 1;
    }
    const meta = parsed[action]!;
    const _index = meta._index ?? pathIndex ?? '';
    const _id = meta._id ?? newId();
    keep?.(_index, source?.toString('base64') ?? '', _id);
    const { result, status } = effect;
    items.push({ [action]: { _index, _id, _version: 1, result, _shards: SHARDS, _seq_no: seqNo++, _primary_term: 1, status } });
  }
  return { entries: items.length, reply: json(200, CONTENT_TYPE, { took: 0, errors: false, items }) };
};
