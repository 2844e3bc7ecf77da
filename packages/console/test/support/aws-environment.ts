import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from '@fanout/testbed';
import { inject } from 'vitest';

/**
 * The console finds credentials the way the AWS CLI does: here, in the environment. The endpoint
 * is not set here: tests pass --endpoint-url, as a user of a local AWS would.
 */
const { aws } = inject('testbed');
process.env.AWS_ACCESS_KEY_ID = aws.credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = aws.credentials.secretAccessKey;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
delete process.env.AWS_ENDPOINT_URL;
delete process.env.AWS_REGION;

// fanout's own files (checkpoints, a local poller's status and log) go to a folder of this test file's, never the user's
process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'fanout-state-'));
