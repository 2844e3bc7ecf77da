import { json } from '../fault-proxy/answers.js';
import { JSON_1_0, parseJson, type Handler } from './calls.js';

/** GetItem finds nothing, whatever the key. */
const getNothing: Handler = () => ({ entries: 1, reply: json(200, JSON_1_0, {}) });

/**
 * The reads of tables the fake answers itself, as empty tables: a GetItem of one of `tables` finds
 * no item, at once, and is counted like any call. For a benchmark whose function reads a table on
 * every invocation (its progress table, empty while nothing fails), so that no server but the fake
 * works while the function is measured.
 */
export function emptyTableReads(tables: ReadonlySet<string>): (operation: string, body: Buffer) => Handler | undefined {
  return (operation, body) => {
    if (tables.size === 0 || operation !== 'dynamodb.GetItem') return undefined;
    return tables.has(parseJson<{ TableName?: string }>(body).TableName ?? '') ? getNothing : undefined;
  };
}
