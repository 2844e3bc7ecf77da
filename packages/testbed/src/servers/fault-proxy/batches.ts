import { randomUUID } from 'node:crypto';
import { ENTRY_FAILURES, type TargetOperation } from './apis.js';
import { escapeXml } from './answers.js';

/**
 * One call of a batch API, read so that the proxy can fail some of its entries: it forwards the
 * others (bodyWith) and merges what the upstream said for them with the failures (answer).
 */
export interface BatchRequest {
  readonly size: number;
  /** The content type of an answer the proxy writes itself, when it forwards nothing. */
  readonly contentType: string;
  /** The request's body with only these of its entries, in this order. */
  bodyWith(indexes: readonly number[]): Buffer;
  /**
   * The answer to the whole call: the upstream's answer to the `forwarded` entries (absent when
   * none was), with every entry of `failed` failed, and reported as the API reports a failure.
   */
  answer(upstream: Buffer | undefined, forwarded: readonly number[], failed: ReadonlySet<number>): string;
}

type ReadBatch = (body: Buffer, path: string) => BatchRequest;

type JsonObject = Record<string, unknown>;

/** Each index's result: the failure where failed, else the upstream's, found by its position among the forwarded. */
function positional<Result>(
  size: number,
  upstream: readonly Result[],
  forwarded: readonly number[],
  failed: ReadonlySet<number>,
  failure: (index: number) => Result,
): Result[] {
  const position = new Map(forwarded.map((index, at) => [index, at]));
  return Array.from({ length: size }, (_, index) => {
    if (failed.has(index)) return failure(index);
    const result = upstream[position.get(index) ?? -1];
    if (result === undefined) throw new Error(`the upstream's answer has no result for entry ${index}`);
    return result;
  });
}

function parseAnswer(upstream: Buffer | undefined): JsonObject {
  return upstream ? (JSON.parse(upstream.toString('utf8')) as JsonObject) : {};
}

type JsonMerge = (answer: JsonObject, entries: readonly JsonObject[], forwarded: readonly number[], failed: ReadonlySet<number>) => JsonObject;

/** A JSON batch API: its entries are the list at `entriesKey`; `merge` puts the failures into the upstream's answer (`{}` when none). */
function jsonBatch(entriesKey: string, contentType: string, merge: JsonMerge): ReadBatch {
  return (body) => {
    const document = JSON.parse(body.toString('utf8')) as JsonObject;
    const entries = (document[entriesKey] ?? []) as JsonObject[];
    return {
      size: entries.length,
      contentType,
      bodyWith: (indexes) => Buffer.from(JSON.stringify({ ...document, [entriesKey]: indexes.map((index) => entries[index]) })),
      answer: (upstream, forwarded, failed) => JSON.stringify(merge(parseAnswer(upstream), entries, forwarded, failed)),
    };
  };
}

/** Kinesis PutRecords and Firehose PutRecordBatch: one result per record, in order, and a count of the failed. */
function perRecordJson(resultsKey: string, failedCountKey: string, failure: JsonObject, defaults: JsonObject = {}): ReadBatch {
  return jsonBatch('Records', 'application/x-amz-json-1.1', (answer, entries, forwarded, failed) => {
    const results = positional(entries.length, (answer[resultsKey] ?? []) as JsonObject[], forwarded, failed, () => failure);
    return { ...defaults, ...answer, [failedCountKey]: results.filter((result) => result.ErrorCode).length, [resultsKey]: results };
  });
}

/** SQS SendMessageBatch: `Successful` and `Failed` lists, by the Id each entry was sent with. */
const sqsBatch = jsonBatch('Entries', 'application/x-amz-json-1.0', (answer, entries, _forwarded, failed) => {
  const failedIds = new Set([...failed].map((index) => entries[index]!.Id));
  const successful = ((answer.Successful ?? []) as JsonObject[]).filter((entry) => !failedIds.has(entry.Id));
  const failures = [...failed].map((index) => ({ Id: entries[index]!.Id, SenderFault: false, ...ENTRY_FAILURES.sqs }));
  return { ...answer, Successful: successful, Failed: [...((answer.Failed ?? []) as JsonObject[]), ...failures] };
});

const SNS_ENTRY_KEY = /^PublishBatchRequestEntries\.member\.(\d+)\.(.+)$/;

/** SNS PublishBatch (AWS Query): entries are numbered form fields; the answer is XML, by Id. */
const snsBatch: ReadBatch = (body) => {
  const common: string[] = [];
  const byNumber = new Map<number, { id: string; fields: Array<{ name: string; rawValue: string }> }>();
  for (const pair of body.toString('utf8').split('&').filter(Boolean)) {
    const [rawKey = '', rawValue = ''] = pair.split(/=(.*)/s);
    const match = SNS_ENTRY_KEY.exec(decodeForm(rawKey));
    if (!match) {
      common.push(pair);
      continue;
    }
    const entry = byNumber.get(Number(match[1])) ?? { id: '', fields: [] };
    entry.fields.push({ name: match[2]!, rawValue });
    if (match[2] === 'Id') entry.id = decodeForm(rawValue);
    byNumber.set(Number(match[1]), entry);
  }
  const entries = [...byNumber.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
  return {
    size: entries.length,
    contentType: 'text/xml',
    bodyWith: (indexes) =>
      Buffer.from(
        [
          ...common,
          ...indexes.flatMap((index, at) =>
            entries[index]!.fields.map(
              ({ name, rawValue }) => `${encodeURIComponent(`PublishBatchRequestEntries.member.${at + 1}.${name}`)}=${rawValue}`,
            ),
          ),
        ].join('&'),
      ),
    answer(upstream, _forwarded, failed) {
      const xml =
        upstream?.toString('utf8') ??
        '<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful/><Failed/>' +
          `</PublishBatchResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`;
      const failedIds = new Set([...failed].map((index) => escapeXml(entries[index]!.id)));
      const { Code, Message } = ENTRY_FAILURES.sns;
      const failures = [...failedIds]
        .map((id) => `<member><Id>${id}</Id><Code>${Code}</Code><Message>${escapeXml(Message)}</Message><SenderFault>false</SenderFault></member>`)
        .join('');
      return xml
        .replace(/<Successful>(.*?)<\/Successful>/s, (_, members: string) => {
          const kept = members.replace(/<member>.*?<\/member>/gs, (member) => (failedIds.has(/<Id>(.*?)<\/Id>/s.exec(member)?.[1] ?? '') ? '' : member));
          return `<Successful>${kept}</Successful>`;
        })
        .replace(/<Failed\s*\/>|<Failed>(.*?)<\/Failed>/s, (_, members: string | undefined) => `<Failed>${members ?? ''}${failures}</Failed>`);
    },
  };
};

function decodeForm(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** OpenSearch _bulk: NDJSON actions (each but `delete` followed by its source); one item per action, in order. */
const bulkBatch: ReadBatch = (body, path) => {
  const lines = body.toString('utf8').split('\n');
  const actions: Array<{ action: string; meta: JsonObject; lines: string[] }> = [];
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at]!;
    if (line.trim() === '') continue;
    const [action = '', meta = {}] = Object.entries(JSON.parse(line) as Record<string, JsonObject>)[0] ?? [];
    const withSource = action !== 'delete';
    actions.push({ action, meta, lines: withSource ? [line, lines[at + 1] ?? ''] : [line] });
    if (withSource) at++;
  }
  const pathIndex = /^\/([^/]+)\/_bulk$/.exec(path.split('?')[0]!)?.[1];
  return {
    size: actions.length,
    contentType: 'application/json; charset=UTF-8',
    bodyWith: (indexes) => Buffer.from(`${indexes.flatMap((index) => actions[index]!.lines).join('\n')}\n`),
    answer(upstream, forwarded, failed) {
      const answer: JsonObject = { took: 0, ...parseAnswer(upstream) };
      const failure = (index: number): JsonObject => {
        const { action, meta } = actions[index]!;
        const _index = meta._index ?? (pathIndex === undefined ? undefined : decodeURIComponent(pathIndex));
        return { [action]: { _index, _id: meta._id ?? null, ...ENTRY_FAILURES.opensearch } };
      };
      const items = positional(actions.length, (answer.items ?? []) as JsonObject[], forwarded, failed, failure);
      const errors = items.some((item) => (Object.values(item)[0] as JsonObject | undefined)?.error !== undefined);
      return JSON.stringify({ ...answer, errors, items });
    },
  };
};

/** The batch APIs, by operation: the operations a partial failure can be injected into. */
export const BATCH_FORMATS: Partial<Record<TargetOperation, ReadBatch>> = {
  'sqs.SendMessageBatch': sqsBatch,
  'sns.PublishBatch': snsBatch,
  'kinesis.PutRecords': perRecordJson('Records', 'FailedRecordCount', ENTRY_FAILURES.kinesis),
  'firehose.PutRecordBatch': perRecordJson('RequestResponses', 'FailedPutCount', ENTRY_FAILURES.firehose, { Encrypted: false }),
  'opensearch.Bulk': bulkBatch,
};
