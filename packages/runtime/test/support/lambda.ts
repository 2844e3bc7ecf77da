import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { awsClientConfig, motoRequests, uniqueName, type AwsCredentials, type MotoRequest } from '@fanout/testbed';
import { strToU8, zipSync } from 'fflate';
import { aws } from './harness.js';

/** A function in moto (in the account of `credentials`, else the primary one); returns its name. */
export async function createFunction(options: { credentials?: AwsCredentials } = {}): Promise<string> {
  const config = awsClientConfig(aws, options);
  const { Role } = await new IAMClient(config).send(
    new CreateRoleCommand({ RoleName: uniqueName('function-role'), AssumeRolePolicyDocument: '{}' }),
  );
  const functionName = uniqueName('function');
  await new LambdaClient(config).send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs22.x',
      Role: Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async () => {};') }) },
    }),
  );
  return functionName;
}

/** The Invoke requests moto received for the function, oldest first. */
export function invocationsOf(functionName: string): MotoRequest[] {
  return motoRequests(aws, new RegExp(`/functions/${functionName}/invocations`));
}
