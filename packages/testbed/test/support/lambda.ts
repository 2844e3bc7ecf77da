import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { awsClientConfig, uniqueName, type AwsEndpoints } from '../../src/index.js';

/** A Node.js function (with a role of its own) that answers with the event it was given; its name. */
export async function createEchoFunction(aws: AwsEndpoints): Promise<string> {
  const { Role } = await new IAMClient(awsClientConfig(aws)).send(
    new CreateRoleCommand({ RoleName: uniqueName('lambda-role'), AssumeRolePolicyDocument: '{}' }),
  );
  const FunctionName = uniqueName('function');
  await new LambdaClient(awsClientConfig(aws)).send(
    new CreateFunctionCommand({
      FunctionName,
      Runtime: 'nodejs22.x',
      Role: Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async (event) => event;') }) },
    }),
  );
  return FunctionName;
}
