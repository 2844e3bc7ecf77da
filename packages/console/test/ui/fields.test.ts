import { describe, expect, it } from 'vitest';
import { NEW_TARGET_VALUES, formFields, stepValue, rowFieldsOf } from '../../src/ui/wizard/fields.js';

const KINESIS_SOURCE = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
const DYNAMODB_SOURCE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-22T00:00:00.000';

const names = (fields: ReadonlyArray<{ name: string }>) => fields.map((field) => field.name);

describe('the wizard fields', () => {
  // every type has limits and a failure store of its own
  const isolation = ['maxAttempts', 'maxRecordAgeSeconds', 'onFailure'];

  it('asks only the options the runtime takes for the type and the source', () => {
    expect(names(formFields('options', NEW_TARGET_VALUES, 'sns', DYNAMODB_SOURCE, {}))).toEqual(['active', 'collapse', 'parallel', 'convertDDB', ...isolation]);
    expect(names(formFields('options', NEW_TARGET_VALUES, 'kinesis', KINESIS_SOURCE, {}))).toEqual(['active', 'parallel', 'deaggregate', ...isolation]);
    expect(names(formFields('options', NEW_TARGET_VALUES, 'http', KINESIS_SOURCE, {}))).toEqual(['active', 'collapse', 'parallel', 'deaggregate', 'authorizationEnv', ...isolation]);
    expect(names(formFields('place', NEW_TARGET_VALUES, 'sqs', KINESIS_SOURCE, {}))).toEqual(['region', 'role', 'externalId']);
    expect(names(formFields('place', NEW_TARGET_VALUES, 'redis', KINESIS_SOURCE, {}))).toEqual([]);
  });

  it('gives the row fields that apply, blank text as no value', () => {
    const values = { ...NEW_TARGET_VALUES, region: ' eu-west-1 ', role: '  ', authorizationEnv: 'TOKEN', convertDDB: true };
    expect(rowFieldsOf(values, 'sqs', KINESIS_SOURCE)).toEqual({
      region: 'eu-west-1',
      role: undefined,
      externalId: undefined,
      active: false,
      collapse: 'JSON',
      parallel: true,
      deaggregate: false,
      maxAttempts: undefined,
      maxRecordAgeSeconds: undefined,
      onFailure: undefined,
    });
    expect(rowFieldsOf(values, 'http', DYNAMODB_SOURCE)).toEqual({ active: false, collapse: 'JSON', parallel: true, convertDDB: true, authorizationEnv: 'TOKEN' });
  });

  it('gives the limits as numbers, and text that is no number as NaN for the schema to refuse', () => {
    const values = { ...NEW_TARGET_VALUES, maxAttempts: ' 3 ', maxRecordAgeSeconds: 'soon', onFailure: ' arn:aws:s3:::failures ' };
    expect(rowFieldsOf(values, 'sqs', KINESIS_SOURCE)).toMatchObject({ maxAttempts: 3, maxRecordAgeSeconds: NaN, onFailure: 'arn:aws:s3:::failures' });
  });

  it('flips toggles and moves the collapse mode both ways, wrapping', () => {
    expect(stepValue(NEW_TARGET_VALUES, 'parallel', 1).parallel).toBe(false);
    expect(stepValue(NEW_TARGET_VALUES, 'collapse', 1).collapse).toBe('concat');
    expect(stepValue(NEW_TARGET_VALUES, 'collapse', -1).collapse).toBe('none');
    expect(stepValue({ ...NEW_TARGET_VALUES, collapse: 'none' }, 'collapse', -1).collapse).toBe('concat-b64');
  });

  it('shows each field with what the schema finds wrong with it', () => {
    const [region] = formFields('place', { ...NEW_TARGET_VALUES, region: 'mars' }, 'sns', KINESIS_SOURCE, { region: ['expected an AWS region such as us-east-1'] });
    expect(region).toMatchObject({ name: 'region', kind: 'text', value: 'mars', problems: ['expected an AWS region such as us-east-1'] });
  });
});
