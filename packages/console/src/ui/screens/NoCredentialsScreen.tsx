import { Box, Text } from 'ink';

/** Shown instead of the app when no AWS credentials can be found: how to provide them. */
export function NoCredentialsScreen() {
  return (
    <Box flexDirection="column">
      <Text bold>No AWS credentials found.</Text>
      <Text>fanout-console finds them as the AWS CLI does. Any one of these works:</Text>
      <Text>  • export AWS_PROFILE=name (a profile of ~/.aws/config), or pass --profile name</Text>
      <Text>  • aws sso login --profile name, for IAM Identity Center</Text>
      <Text>  • export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… (and AWS_SESSION_TOKEN)</Text>
      <Text>  • for a local AWS such as moto: any keys, and --endpoint-url http://127.0.0.1:5000</Text>
      <Text>  • or try fanout on this machine, no AWS account needed: fanout-console --local (with pip install 'moto[server]')</Text>
      <Text dimColor>q to quit</Text>
    </Box>
  );
}
