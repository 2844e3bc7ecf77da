import { isKinesisRecord, type StreamEventRecord } from '../records/index.js';

/**
 * An event source mapping's FilterCriteria, as Lambda applies it to stream records: a record goes
 * to the function when it matches at least one filter; the others are dropped (and count as
 * processed). The pattern syntax is Lambda's (EventBridge's): a pattern is an object whose keys are
 * fields of the record; an array holds the values or rules any one of which the field must match,
 * an object matches the field's own fields. Rules: a value (string, number, boolean, null), `prefix`,
 * `suffix`, `equals-ignore-case`, `anything-but` (values, or a prefix/suffix/equals-ignore-case),
 * `numeric` (`=`, `<`, `<=`, `>`, `>=`, at most two joined), `exists`, `wildcard`; `$or` takes a list
 * of patterns. A field holding an array matches when one of its elements does.
 */
export type RecordFilter = (record: StreamEventRecord) => boolean;

type Pattern = { [field: string]: unknown };
type Value = unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);
const RULE_NAMES = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'wildcard']);

class InvalidPattern extends Error {}

/** Checks a pattern's shape once, so that matching can trust it; names the field that is wrong. */
function checkPattern(pattern: unknown, path: string): asserts pattern is Pattern {
  if (!isObject(pattern)) throw new InvalidPattern(`${path || 'the pattern'}: expected an object of fields`);
  for (const [field, rule] of Object.entries(pattern)) {
    const at = path ? `${path}.${field}` : field;
    if (field === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) throw new InvalidPattern(`${at}: expected a list of two or more patterns`);
      rule.forEach((alternative, index) => checkPattern(alternative, `${at}[${index}]`));
    } else if (Array.isArray(rule)) {
      if (rule.length === 0) throw new InvalidPattern(`${at}: an empty list matches nothing; give at least one value or rule`);
      for (const leaf of rule) checkRule(leaf, at);
    } else {
      checkPattern(rule, at);
    }
  }
}

function checkRule(rule: unknown, at: string): void {
  if (!isObject(rule)) {
    if (['string', 'number', 'boolean'].includes(typeof rule) || rule === null) return;
    throw new InvalidPattern(`${at}: expected a value or a rule object, got ${JSON.stringify(rule)}`);
  }
  const names = Object.keys(rule);
  const name = names[0];
  if (names.length !== 1 || !name || !RULE_NAMES.has(name)) throw new InvalidPattern(`${at}: ${JSON.stringify(rule)} is no rule (one of ${[...RULE_NAMES].join(', ')})`);
  const operand = rule[name];
  const textOrIgnoringCase = (value: unknown) => typeof value === 'string' || (isObject(value) && typeof value['equals-ignore-case'] === 'string');
  switch (name) {
    case 'prefix':
    case 'suffix':
      if (!textOrIgnoringCase(operand)) throw new InvalidPattern(`${at}: ${name} takes a string (or {"equals-ignore-case": string})`);
      return;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof operand !== 'string') throw new InvalidPattern(`${at}: ${name} takes a string`);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') throw new InvalidPattern(`${at}: exists takes true or false`);
      return;
    case 'numeric': {
      const ok =
        Array.isArray(operand) &&
        (operand.length === 2 || operand.length === 4) &&
        operand.every((item, index) => (index % 2 === 0 ? NUMERIC_OPERATORS.has(item as string) : typeof item === 'number'));
      if (!ok) throw new InvalidPattern(`${at}: numeric takes [operator, number] or [operator, number, operator, number] (operators = < <= > >=)`);
      return;
    }
    case 'anything-but': {
      const values = Array.isArray(operand) ? operand : [operand];
      const ok = isObject(operand)
        ? Object.keys(operand).length === 1 && ['prefix', 'suffix', 'equals-ignore-case'].some((key) => typeof operand[key] === 'string')
        : values.length > 0 && values.every((value) => typeof value === 'string' || typeof value === 'number');
      if (!ok) throw new InvalidPattern(`${at}: anything-but takes a value, a list of values, or {"prefix"|"suffix"|"equals-ignore-case": string}`);
      return;
    }
  }
}

function compare(value: number, operator: string, operand: number): boolean {
  switch (operator) {
    case '=':
      return value === operand;
    case '<':
      return value < operand;
    case '<=':
      return value <= operand;
    case '>':
      return value > operand;
    default:
      return value >= operand;
  }
}

/** A prefix or suffix operand, a string or {"equals-ignore-case": string}. */
function affixMatches(value: Value, operand: unknown, test: (text: string, affix: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return test(value, operand);
  return test(value.toLowerCase(), String((operand as Record<string, unknown>)['equals-ignore-case']).toLowerCase());
}

const startsWith = (text: string, affix: string) => text.startsWith(affix);
const endsWith = (text: string, affix: string) => text.endsWith(affix);

function wildcardMatches(value: Value, glob: string): boolean {
  if (typeof value !== 'string') return false;
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Whether one value of a field matches one rule (exists is decided by the caller, on the field). */
function valueMatches(value: Value, rule: unknown): boolean {
  if (!isObject(rule)) return value === rule;
  const [name, operand] = Object.entries(rule)[0]!;
  switch (name) {
    case 'prefix':
      return affixMatches(value, operand, startsWith);
    case 'suffix':
      return affixMatches(value, operand, endsWith);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return wildcardMatches(value, String(operand));
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const terms = operand as Array<string | number>;
      for (let index = 0; index < terms.length; index += 2) if (!compare(value, terms[index] as string, terms[index + 1] as number)) return false;
      return true;
    }
    case 'anything-but': {
      if (isObject(operand)) {
        const [kind, text] = Object.entries(operand)[0]!;
        if (kind === 'prefix') return typeof value === 'string' && !value.startsWith(String(text));
        if (kind === 'suffix') return typeof value === 'string' && !value.endsWith(String(text));
        return typeof value === 'string' && value.toLowerCase() !== String(text).toLowerCase();
      }
      const excluded = Array.isArray(operand) ? operand : [operand];
      return (typeof value === 'string' || typeof value === 'number') && !excluded.includes(value);
    }
    default:
      return false;
  }
}

function fieldMatches(rules: readonly unknown[], present: boolean, field: Value): boolean {
  const values = present ? (Array.isArray(field) ? field : [field]) : [];
  return rules.some((rule) => {
    if (isObject(rule) && 'exists' in rule) return rule.exists === (present && !(Array.isArray(field) && field.length === 0));
    return values.some((value) => valueMatches(value, rule));
  });
}

function patternMatches(pattern: Pattern, value: Value): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or') return (rule as Pattern[]).some((alternative) => patternMatches(alternative, value));
    const present = isObject(value) && field in value;
    const fieldValue = present ? value[field] : undefined;
    if (Array.isArray(rule)) return fieldMatches(rule, present, fieldValue);
    // a field of objects in an array: one of them matches
    if (Array.isArray(fieldValue)) return fieldValue.some((element) => patternMatches(rule as Pattern, element));
    return patternMatches(rule as Pattern, fieldValue);
  });
}

/** A Kinesis record's data, decoded as JSON when it is JSON; else left as Lambda's base64 (which no pattern on its fields matches). */
function kinesisData(base64: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as unknown;
  } catch {
    return base64;
  }
}

/**
 * The record as patterns see it: for Kinesis, the `kinesis` fields (partitionKey, sequenceNumber,
 * data, …) beside the event record's own (eventName, awsRegion, …), `data` JSON-decoded; for
 * DynamoDB the event record as it is (eventName, dynamodb.Keys, dynamodb.NewImage in DynamoDB JSON, …).
 */
function filterable(record: StreamEventRecord): unknown {
  if (!isKinesisRecord(record)) return record;
  const { kinesis, ...event } = record;
  return { ...event, ...kinesis, data: kinesisData(kinesis.data) };
}

/** The filter of a mapping's patterns (each a JSON text, as in FilterCriteria.Filters[].Pattern); throws naming the pattern and field that are wrong. */
export function recordFilter(patterns: readonly string[]): RecordFilter {
  const parsed = patterns.map((text, index) => {
    try {
      const pattern: unknown = JSON.parse(text);
      checkPattern(pattern, '');
      return pattern;
    } catch (error) {
      const why = error instanceof InvalidPattern ? error.message : `not JSON (${(error as Error).message})`;
      throw new Error(`FilterCriteria.Filters[${index}].Pattern: ${why}`, { cause: error });
    }
  });
  return (record) => {
    const view = filterable(record);
    return parsed.some((pattern) => patternMatches(pattern, view));
  };
}
