import { json } from '../fault-proxy/answers.js';
import { JSON_1_1, parseJson, type Handler, type Keep } from './calls.js';
import { newId } from './ids.js';

/** Firehose over AWS JSON 1.1. */

interface FirehoseRecord {
  Data: string;
}

function accept(record: FirehoseRecord, stream: string, keep: Keep | undefined) {
  keep?.(stream, record.Data);
  return { RecordId: newId() };
}

export const putRecord: Handler = ({ body }, keep) => {
  const { DeliveryStreamName, Record } = parseJson<{ DeliveryStreamName: string; Record: FirehoseRecord }>(body);
  return { entries: 1, reply: json(200, JSON_1_1, { ...accept(Record, DeliveryStreamName, keep), Encrypted: false }) };
};

export const putRecordBatch: Handler = ({ body }, keep) => {
  const { DeliveryStreamName, Records } = parseJson<{ DeliveryStreamName: string; Records: FirehoseRecord[] }>(body);
  const responses = Records.map((record) => accept(record, DeliveryStreamName, keep));
  return { entries: responses.length, reply: json(200, JSON_1_1, { FailedPutCount: 0, Encrypted: false, RequestResponses: responses }) };
};
