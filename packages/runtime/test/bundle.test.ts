import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_FILE, buildRuntime, type RuntimeBuild } from '../scripts/build.js';
import { kinesisEvent } from './support/events.js';
import { aws, createTargetsTable, kinesisSourceArn, putTargets } from './support/harness.js';
import { createQueue, drainQueue } from './support/sqs.js';

let built: RuntimeBuild;
beforeAll(async () => {
  built = await buildRuntime(mkdtempSync(join(tmpdir(), 'fanout-build-')));
});

/** The inputs reached from the handler by static imports alone: what loads when the function starts. */
function staticallyReached(metafile: RuntimeBuild['metafile'], entry: string): Set<string> {
  const reached = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const input = pending.pop()!;
    if (reached.has(input)) continue;
    reached.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && !imported.external) pending.push(imported.path);
    }
  }
  return reached;
}

describe('the bundle', () => {
  it('zips the entry index.mjs and its chunks, each as built', () => {
    const zipped = unzipSync(readFileSync(built.zipFile));
    expect(Object.keys(zipped).sort()).toEqual(built.files);
    expect(built.files).toContain(HANDLER_FILE);
    expect(built.files.filter((file) => file !== HANDLER_FILE).every((file) => /^chunks\/[A-Z0-9]+\.mjs$/.test(file))).toBe(true);
    for (const file of built.files) expect(zipped[file]).toEqual(new Uint8Array(readFileSync(join(dirname(built.handlerFile), file))));
  });

  it('starts with the entry alone: the pipeline, the SDK and every target type\'s client code are reached through dynamic imports only', () => {
    const startup = [...staticallyReached(built.metafile, 'src/handler.ts')];
    expect(startup).toContain('src/settings.ts');
    expect(startup).not.toContain('src/fanout.ts');
    expect(startup.filter((input) => input.includes('node_modules'))).toEqual([]);
    const pipeline = staticallyReached(built.metafile, 'src/fanout.ts');
    expect(pipeline).toContain('src/config/loader.ts');
    const senders = Object.keys(built.metafile.inputs).filter((input) => /src\/targets\/[^/]+\/sender\.ts$/.test(input));
    expect(senders).toHaveLength(10);
    expect([...pipeline].filter((input) => senders.includes(input))).toEqual([]);
    const clientLibraries = /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(@aws-sdk\/client-(sns|sqs|kinesis|firehose|lambda|iot-data-plane)|ioredis|memjs|@opensearch-project)\//;
    expect([...pipeline].filter((input) => clientLibraries.test(input))).toEqual([]);
  });

  it('runs as Lambda runs it: the zipped handler delivers an event to its targets', async () => {
    const functionName = `fanout-bundle-${Date.now()}`;
    const table = await createTargetsTable(`${functionName}Targets`);
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'q', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const event = kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'from the bundle' }]);
    const invoke = `import(${JSON.stringify(pathToFileURL(built.handlerFile).href)})
      .then(({ handler }) => handler(JSON.parse(process.argv[1]), { getRemainingTimeInMillis: () => 120000 }))
      .then((result) => process.stdout.write(JSON.stringify(result)))`;

    const output = execFileSync(process.execPath, ['-e', invoke, JSON.stringify(event)], {
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_REGION: aws.regions[0],
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });

    expect(JSON.parse(output)).toEqual({ batchItemFailures: [] });
    expect((await drainQueue(queueUrl)).map((message) => message.Body)).toEqual(['from the bundle']);
  });
});
