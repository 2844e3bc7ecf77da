import { uniqueName } from '@fanout/testbed';
import { afterEach, describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { loadHeader } from '../../src/app/header.js';
import { deploymentOf } from '../../src/aws/names.js';
import { AwsSession } from '../../src/aws/session.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import { useFreshRuntimeZip } from '../support/deployment.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;

describe('loadHeader', () => {
  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL;
  });

  it('names the account, region and endpoint, and says the function and its table are absent before deploy, then there', async () => {
    const context = appContext();
    const functionName = uniqueName('header');
    const deployment = deploymentOf({ function: functionName });
    expect(await loadHeader(context, deployment)).toEqual({
      account,
      region,
      endpoint: aws.endpoint,
      functionName,
      functionState: 'absent',
      tableName: `${functionName}Targets`,
      tableExists: false,
    });

    await deployFanout(context, deployment);
    expect(await loadHeader(context, deployment)).toEqual({
      account,
      region,
      endpoint: aws.endpoint,
      functionName,
      functionState: 'Active',
      tableName: `${functionName}Targets`,
      tableExists: true,
    });
  });

  it('names the table --table gives, and says so when only the table is missing', async () => {
    const context = appContext();
    const functionName = uniqueName('header-table');
    await deployFanout(context, deploymentOf({ function: functionName }));
    const elsewhere = deploymentOf({ function: functionName, table: uniqueName('other-targets') });
    expect(await loadHeader(context, elsewhere)).toMatchObject({ functionState: 'Active', tableName: elsewhere.tableName, tableExists: false });
  });

  it('shows the endpoint of AWS_ENDPOINT_URL when there is no --endpoint-url, and the session uses it', async () => {
    process.env.AWS_ENDPOINT_URL = aws.endpoint;
    const header = await loadHeader(appContext({ endpointUrl: undefined }), deploymentOf({ function: uniqueName('header-env') }));
    expect(header).toMatchObject({ endpoint: aws.endpoint, account, functionState: 'absent' });
  });

  it('shows no endpoint when requests go to AWS itself', () => {
    expect(new AwsSession({ region, verifySsl: true, debug: false }).endpoint()).toBeUndefined();
  });
});
