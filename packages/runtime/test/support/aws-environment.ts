import { inject } from 'vitest';

/**
 * The runtime reads its AWS configuration the way it does in Lambda: from the environment.
 * Here the environment points every SDK client at the test bed's moto.
 */
const { aws } = inject('testbed');
process.env.AWS_ENDPOINT_URL = aws.endpoint;
process.env.AWS_ACCESS_KEY_ID = aws.credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = aws.credentials.secretAccessKey;
process.env.AWS_REGION = aws.regions[0];
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
