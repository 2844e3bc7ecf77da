import { escapeXml } from '../fault-proxy/answers.js';
import { utf8Base64, type Call, type Handler, type Keep, type Reply } from './calls.js';
import { newId, nextSequenceNumber } from './ids.js';

/** SNS over AWS Query: a form-encoded request, an XML answer. */

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const XML = 'text/xml';
const FIFO_SUFFIX = '.fifo';
const ENTRY_PREFIX = 'PublishBatchRequestEntries.member.';

interface Message {
  Id: string;
  Message: string;
  MessageGroupId?: string | undefined;
}

function formOf(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

/** Where a Publish goes: one of the three, as the API takes them. */
function targetOf(form: URLSearchParams): string {
  return form.get('TopicArn') ?? form.get('TargetArn') ?? form.get('PhoneNumber') ?? '';
}

/** `<MessageId>` and, to a FIFO topic, `<SequenceNumber>`; the message kept when asked. */
function accept(message: Message, topic: string, keep: Keep | undefined): string {
  keep?.(topic, utf8Base64(message.Message), message.MessageGroupId);
  const sequence = topic.endsWith(FIFO_SUFFIX) ? `<SequenceNumber>${nextSequenceNumber()}</SequenceNumber>` : '';
  return `<MessageId>${newId()}</MessageId>${sequence}`;
}

function queryAnswer(action: string, result: string, { requestId }: Call): Reply {
  return {
    status: 200,
    headers: { 'content-type': XML },
    body:
      `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export const publish: Handler = (call, keep) => {
  const form = formOf(call.body);
  const message = { Id: '', Message: form.get('Message') ?? '', MessageGroupId: form.get('MessageGroupId') ?? undefined };
  return { entries: 1, reply: queryAnswer('Publish', accept(message, targetOf(form), keep), call) };
};

/** The batch's entries, in the order of their fields: `PublishBatchRequestEntries.member.N.Field=value`. */
function entriesOf(form: URLSearchParams): Message[] {
  const byMember = new Map<string, Message>();
  for (const [name, value] of form) {
    if (!name.startsWith(ENTRY_PREFIX)) continue;
    const dot = name.indexOf('.', ENTRY_PREFIX.length);
    const member = name.slice(ENTRY_PREFIX.length, dot);
    let entry = byMember.get(member);
    if (!entry) byMember.set(member, (entry = { Id: '', Message: '' }));
    const field = name.slice(dot + 1);
    if (field === 'Id' || field === 'Message' || field === 'MessageGroupId') entry[field] = value;
  }
  return [...byMember.values()];
}

export const publishBatch: Handler = (call, keep) => {
  const form = formOf(call.body);
  const topic = targetOf(form);
  const entries = entriesOf(form);
  let successful = '';
  for (const entry of entries) successful += `<member><Id>${escapeXml(entry.Id)}</Id>${accept(entry, topic, keep)}</member>`;
  return { entries: entries.length, reply: queryAnswer('PublishBatch', `<Successful>${successful}</Successful><Failed/>`, call) };
};

