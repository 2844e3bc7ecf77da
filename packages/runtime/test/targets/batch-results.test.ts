import { describe, expect, it } from 'vitest';
import { outcomesOfFailedEntries, outcomesOfPerRecordResults } from '../../src/targets/batch-results.js';
import { entry, record } from '../support/fake-sender.js';

const batch = [entry(record(0)), entry(record(1)), entry(record(2))];

describe('batch API results', () => {
  it('SNS/SQS: an entry failed by the sender\'s fault is rejected, any other failure retried, the rest delivered', () => {
    expect(
      outcomesOfFailedEntries(batch, [
        { Id: '2', Code: 'InvalidParameterValue', Message: 'bad message', SenderFault: true },
        { Id: '0', Code: 'InternalError', Message: 'try again', SenderFault: false },
      ]),
    ).toEqual([
      { status: 'retryable', reason: 'InternalError: try again' },
      { status: 'delivered' },
      { status: 'rejected', reason: 'InvalidParameterValue: bad message' },
    ]);
  });

  it('Kinesis/Firehose: a record with an ErrorCode is retried, in order; a result count that does not match throws', () => {
    expect(
      outcomesOfPerRecordResults(batch, [{}, { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' }, {}]),
    ).toEqual([{ status: 'delivered' }, { status: 'retryable', reason: 'ServiceUnavailableException: slow down' }, { status: 'delivered' }]);
    expect(() => outcomesOfPerRecordResults(batch, [{}])).toThrow('1 results for 3 records');
  });
});
