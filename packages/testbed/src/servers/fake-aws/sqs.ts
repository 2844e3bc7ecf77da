import { hash } from 'node:crypto';
import { json } from '../fault-proxy/answers.js';
import { JSON_1_0, parseJson, utf8Base64, type Handler, type Keep } from './calls.js';
import { newId, nextSequenceNumber } from './ids.js';

/**
 * SQS over AWS JSON 1.0. The SDK checks each MD5OfMessageBody against the body it sent (its
 * middleware-sdk-sqs); it does not check MD5OfMessageAttributes, which is left out: fanout's
 * senders send no message attributes.
 */

interface Message {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
}

interface Sent {
  MessageId: string;
  MD5OfMessageBody: string;
  SequenceNumber?: string;
}

const FIFO_SUFFIX = '.fifo';

/** The URL's path, `/ACCOUNT/QUEUE`, whatever host the client reached the queue by. */
function destinationOf(queueUrl: string): string {
  const scheme = queueUrl.indexOf('://');
  if (scheme < 0) return queueUrl;
  const path = queueUrl.indexOf('/', scheme + 3);
  return path < 0 ? queueUrl : queueUrl.slice(path);
}

function accept(message: Message, fifo: boolean, destination: string, keep: Keep | undefined): Sent {
  keep?.(destination, utf8Base64(message.MessageBody), message.MessageGroupId);
  const sent: Sent = { MessageId: newId(), MD5OfMessageBody: hash('md5', message.MessageBody, 'hex') };
  if (fifo) sent.SequenceNumber = nextSequenceNumber();
  return sent;
}

export const sendMessage: Handler = ({ body }, keep) => {
  const request = parseJson<Message & { QueueUrl: string }>(body);
  const sent = accept(request, request.QueueUrl.endsWith(FIFO_SUFFIX), destinationOf(request.QueueUrl), keep);
  return { entries: 1, reply: json(200, JSON_1_0, sent) };
};

export const sendMessageBatch: Handler = ({ body }, keep) => {
  const { QueueUrl, Entries } = parseJson<{ QueueUrl: string; Entries: Message[] }>(body);
  const fifo = QueueUrl.endsWith(FIFO_SUFFIX);
  const destination = destinationOf(QueueUrl);
  const successful = Entries.map((entry) => ({ Id: entry.Id, ...accept(entry, fifo, destination, keep) }));
  return { entries: Entries.length, reply: json(200, JSON_1_0, { Successful: successful, Failed: [] }) };
};
