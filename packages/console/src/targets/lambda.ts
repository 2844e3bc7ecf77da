import { GetFunctionCommand, LambdaClient, ResourceNotFoundException as FunctionNotFound, paginateListFunctions } from '@aws-sdk/client-lambda';
import { arnIn, arnOr } from './grants.js';
import { fixFor, fromPages, named } from './lookup.js';
import type { ConsoleTargetType, GrantStatement } from './types.js';

/** A function name, partial ARN or ARN followed by a version or alias. */
const LAMBDA_QUALIFIER = /^(?:arn:[^:]+:lambda:[^:]+:\d{12}:function:|\d{12}:function:)?[^:]+:([^:]+)$/;
const PARTIAL_ARN = /^(\d{12}):function:(.+)$/;
const INVOKE_FUNCTIONS: GrantStatement = { sid: 'InvokeFunctions', actions: ['lambda:InvokeFunction'] };

export const lambdaTarget: ConsoleTargetType<true> = {
  title: 'Lambda',
  destinationHelp: 'a function name or ARN',
  async resolve(lookup) {
    const { region } = lookup.storedForm<{ region?: string }>();
    const scope = lookup.scope(region);
    const lambda = lookup.aws.client(LambdaClient, scope);
    const { Configuration } = await lookup.require(lambda.send(new GetFunctionCommand({ FunctionName: lookup.destination })), FunctionNotFound, {
      resource: `Lambda function ${named(lookup.destination)}`,
      scope,
      fix: fixFor(lookup.destination),
    });
    // the unqualified ARN with the version or alias the user chose, whatever GetFunction reports for it
    const functionArn = Configuration!.FunctionArn!.split(':').slice(0, 7).join(':');
    const qualifier = LAMBDA_QUALIFIER.exec(lookup.destination)?.[1];
    return qualifier ? `${functionArn}:${qualifier}` : functionArn;
  },
  discover: (aws, scope) =>
    fromPages(paginateListFunctions({ client: aws.client(LambdaClient, scope) }, {}), (page) =>
      (page.Functions ?? []).map(({ FunctionName, FunctionArn }) => ({ label: FunctionName!, value: FunctionArn! })),
    ),
  grant: {
    statements: [INVOKE_FUNCTIONS],
    grantOf({ destination }, place) {
      const partial = PARTIAL_ARN.exec(destination);
      const resource = partial
        ? `arn:${place.partition}:lambda:${place.region}:${partial[1]}:function:${partial[2]}`
        : arnOr(destination, () => arnIn(place, 'lambda', `function:${destination}`));
      return { statement: INVOKE_FUNCTIONS, resource };
    },
  },
};
