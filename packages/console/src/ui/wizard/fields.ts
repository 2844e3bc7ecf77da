import {
  COLLAPSE_MODES,
  MAX_ATTEMPTS_LIMIT,
  MAX_RECORD_AGE_LIMIT_SECONDS,
  TARGET_TYPES,
  sourceKind,
  type CollapseMode,
  type TargetConfig,
  type TargetTypeName,
} from '@fanout/runtime/config';
import type { DraftProblems } from '../../app/targets.js';
import type { TargetInput } from '../../app/target-rows.js';

/** What the wizard asks besides the type, the destination and the id, as typed or toggled so far. */
export interface WizardValues {
  region: string;
  role: string;
  externalId: string;
  active: boolean;
  collapse: CollapseMode;
  parallel: boolean;
  convertDDB: boolean;
  deaggregate: boolean;
  authorizationEnv: string;
  /** Numbers as typed: the runtime's schema says what is wrong with them. */
  maxAttempts: string;
  maxRecordAgeSeconds: string;
  onFailure: string;
}

export type WizardValueName = keyof WizardValues;

/** The values of a new target: the runtime's defaults, inactive as the register command's. */
export const NEW_TARGET_VALUES: WizardValues = {
  region: '',
  role: '',
  externalId: '',
  active: false,
  collapse: 'JSON',
  parallel: true,
  convertDDB: false,
  deaggregate: false,
  authorizationEnv: '',
  maxAttempts: '',
  maxRecordAgeSeconds: '',
  onFailure: '',
};

/** The values of a stored target, to edit. */
export function valuesOf(target: TargetConfig): WizardValues {
  return {
    region: target.region ?? '',
    role: target.role ?? '',
    externalId: target.externalId ?? '',
    active: target.active,
    collapse: target.collapse ?? 'JSON',
    parallel: target.parallel,
    convertDDB: target.convertDDB,
    deaggregate: target.deaggregate,
    authorizationEnv: target.authorizationEnv ?? '',
    maxAttempts: target.maxAttempts === undefined ? '' : String(target.maxAttempts),
    maxRecordAgeSeconds: target.maxRecordAgeSeconds === undefined ? '' : String(target.maxRecordAgeSeconds),
    onFailure: target.onFailure ?? '',
  };
}

/** The fields that apply to a target of `type` on the source: the runtime refuses the others. */
function applicable(type: TargetTypeName, sourceArn: string): Record<WizardValueName, boolean> {
  const target = TARGET_TYPES[type];
  const kind = sourceKind(sourceArn);
  return {
    region: target.aws,
    role: target.aws,
    externalId: target.aws,
    active: true,
    collapse: target.collapsible,
    parallel: true,
    convertDDB: kind === 'dynamodb',
    deaggregate: kind === 'kinesis',
    authorizationEnv: target.extraFields?.includes('authorizationEnv') ?? false,
    maxAttempts: true,
    maxRecordAgeSeconds: true,
    onFailure: true,
  };
}

/** Whether the type delivers to an AWS service, so the wizard asks where (region, role). */
export function asksPlace(type: TargetTypeName): boolean {
  return TARGET_TYPES[type].aws;
}

const NUMBER_FIELDS: ReadonlySet<WizardValueName> = new Set(['maxAttempts', 'maxRecordAgeSeconds']);

/** A value as the row has it: blank text is no value, a number field's text a number (NaN when it is none, for the schema to refuse). */
function rowValue(name: WizardValueName, value: WizardValues[WizardValueName]): unknown {
  if (typeof value !== 'string' || name === 'collapse') return value;
  const text = value.trim();
  if (!text) return undefined;
  return NUMBER_FIELDS.has(name) ? Number(text) : text;
}

/** The row fields the values set, for a target of `type` on the source. */
export function rowFieldsOf(values: WizardValues, type: TargetTypeName, sourceArn: string): TargetInput {
  const applies = applicable(type, sourceArn);
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(values) as WizardValueName[]) if (applies[name]) input[name] = rowValue(name, values[name]);
  return input as TargetInput;
}

export type FieldKind = 'toggle' | 'choice' | 'text';

export interface FormField {
  name: WizardValueName;
  kind: FieldKind;
  /** As shown: yes/no, the mode, the text typed. */
  value: string;
  /** What the field is for, shown beside it while it is empty or chosen. */
  hint: string;
  problems: readonly string[] | undefined;
}

const FIELD_KINDS: Record<WizardValueName, FieldKind> = {
  region: 'text',
  role: 'text',
  externalId: 'text',
  active: 'toggle',
  collapse: 'choice',
  parallel: 'toggle',
  convertDDB: 'toggle',
  deaggregate: 'toggle',
  authorizationEnv: 'text',
  maxAttempts: 'text',
  maxRecordAgeSeconds: 'text',
  onFailure: 'text',
};

const HINTS: Record<WizardValueName, string> = {
  region: 'the destination\'s region; empty: the function\'s',
  role: 'a role ARN to assume, for a destination in another account; empty: none',
  externalId: 'the external id the role asks for; empty: none',
  active: 'whether the target receives records',
  collapse: `how records become messages: ${COLLAPSE_MODES.join(', ')}`,
  parallel: 'send batches concurrently; no keeps the records in order',
  convertDDB: 'deliver DynamoDB images as plain JSON',
  deaggregate: 'open KPL aggregated records',
  authorizationEnv: 'the function\'s environment variable holding the Authorization header; empty: none',
  maxAttempts: `invocations a record may fail here (1 to ${MAX_ATTEMPTS_LIMIT}) before it goes to the failure store; empty: no limit`,
  maxRecordAgeSeconds: `seconds a failing record may age (1 to ${MAX_RECORD_AGE_LIMIT_SECONDS}) before it goes to the failure store; empty: no limit`,
  onFailure: 'an SQS queue, SNS topic or S3 bucket ARN for this target\'s failures; empty: the function\'s store',
};

/** Where the destination is: asked before it, so that the list and the lookup are in that place. */
export const PLACE_FIELDS: readonly WizardValueName[] = ['region', 'role', 'externalId'];
const OPTION_FIELDS: readonly WizardValueName[] = [
  'active',
  'collapse',
  'parallel',
  'convertDDB',
  'deaggregate',
  'authorizationEnv',
  'maxAttempts',
  'maxRecordAgeSeconds',
  'onFailure',
];

function shown(value: WizardValues[WizardValueName]): string {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
}

/** The fields of a step that apply to the target, with what the runtime's schema finds wrong with each. */
export function formFields(step: 'place' | 'options', values: WizardValues, type: TargetTypeName, sourceArn: string, problems: DraftProblems): FormField[] {
  const applies = applicable(type, sourceArn);
  return (step === 'place' ? PLACE_FIELDS : OPTION_FIELDS)
    .filter((name) => applies[name])
    .map((name) => ({ name, kind: FIELD_KINDS[name], value: shown(values[name]), hint: HINTS[name], problems: problems[name] }));
}

/** The values with a toggle flipped or a choice moved by one (wrapping). */
export function stepValue(values: WizardValues, name: WizardValueName, by: 1 | -1): WizardValues {
  const value = values[name];
  if (typeof value === 'boolean') return { ...values, [name]: !value };
  if (name === 'collapse') {
    const index = COLLAPSE_MODES.indexOf(values.collapse);
    return { ...values, collapse: COLLAPSE_MODES[(index + by + COLLAPSE_MODES.length) % COLLAPSE_MODES.length]! };
  }
  return values;
}
