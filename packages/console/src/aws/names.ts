import { targetsTableNameFor } from '@fanout/runtime/config';
import { UsageError } from '../errors.js';

export const DEFAULT_FUNCTION = 'fanout';

/** The role's name from the function's, as the original fanout CLI gives it (the tables' names are the runtime's contracts). */
export function roleNameFor(functionName: string): string {
  return `${functionName}Role`;
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([A-Za-z0-9_.-]{3,255})$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function nameOf(flag: string, value: string, name: RegExp, arn: RegExp, expected: string): string {
  const fromArn = arn.exec(value)?.[1];
  if (fromArn) return fromArn;
  if (name.test(value)) return value;
  throw new UsageError(`${flag}: "${value}" is not ${expected}`);
}

/** Which function, table and role a command acts on: from --function/--function-arn and friends. */
export interface Deployment {
  functionName: string;
  tableName: string;
  /** Whether the targets table was named (--table, --table-arn) rather than taken by default. */
  tableNamed?: boolean;
  roleName: string;
  /** The progress table when named (--progress-table); else the function's PROGRESS_TABLE, else `<function>Progress`. */
  progressTableName?: string | undefined;
}

export interface DeploymentFlags {
  function?: string | undefined;
  functionArn?: string | undefined;
  table?: string | undefined;
  tableArn?: string | undefined;
  execRole?: string | undefined;
  execRoleArn?: string | undefined;
  progressTable?: string | undefined;
}

function oneOf(flags: DeploymentFlags, a: keyof DeploymentFlags, b: keyof DeploymentFlags, flagA: string, flagB: string): string | undefined {
  if (flags[a] !== undefined && flags[b] !== undefined) throw new UsageError(`${flagB}: give either ${flagA} or ${flagB}, not both`);
  return flags[b] ?? flags[a];
}

export function deploymentOf(flags: DeploymentFlags): Deployment {
  const functionValue = oneOf(flags, 'function', 'functionArn', '--function', '--function-arn') ?? DEFAULT_FUNCTION;
  const functionName = nameOf(
    flags.functionArn ? '--function-arn' : '--function',
    functionValue,
    FUNCTION_NAME,
    FUNCTION_ARN,
    'a Lambda function name (letters, digits, - and _) or ARN',
  );
  const tableValue = oneOf(flags, 'table', 'tableArn', '--table', '--table-arn');
  const roleValue = oneOf(flags, 'execRole', 'execRoleArn', '--exec-role', '--exec-role-arn');
  return {
    functionName,
    tableName: tableValue
      ? nameOf(flags.tableArn ? '--table-arn' : '--table', tableValue, TABLE_NAME, TABLE_ARN, 'a DynamoDB table name or ARN')
      : targetsTableNameFor(functionName),
    tableNamed: tableValue !== undefined,
    roleName: roleValue
      ? nameOf(flags.execRoleArn ? '--exec-role-arn' : '--exec-role', roleValue, ROLE_NAME, ROLE_ARN, 'an IAM role name or ARN')
      : roleNameFor(functionName),
    ...(flags.progressTable !== undefined
      ? { progressTableName: nameOf('--progress-table', flags.progressTable, TABLE_NAME, TABLE_ARN, 'a DynamoDB table name or ARN') }
      : {}),
  };
}
