import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { hookLabel, hookState } from '../app/sources.js';
import { statusCells, statusFields, targetStatesOf, targetStatus } from '../app/target-state.js';
import { functionMappings, mappingConsumer, mappingStreamArn } from '../aws/mappings.js';
import { resolveSourceArn } from '../aws/sources.js';
import { deploymentOf } from '../aws/names.js';
import { TargetsTable } from '../aws/targets-table.js';
import { cut, formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions, deploymentOptionsSchema, parseOptions, sourceOptionsSchema } from './options.js';
import { targetLine } from '../app/target-rows.js';

/** The last error is cut to this in the table (whole in --output json): a table row stays readable. */
const LAST_ERROR_WIDTH = 60;

/** A source's hook as list shows it: its state, and the Kinesis stream consumer it reads through. */
function hookOf(mapping: EventSourceMappingConfiguration) {
  const consumer = mappingConsumer(mapping);
  return { uuid: mapping.UUID, state: hookState(mapping), consumerName: consumer?.name, consumerArn: consumer?.arn };
}

export const listCommand: CommandDefinition = {
  name: 'list',
  description: 'list the targets of a source (of every source without --source/--source-arn), each with its state, with the hook of each hooked source',
  configure(command) {
    addSourceOptions(addDeploymentOptions(command));
  },
  async run(context, options) {
    const deployment = deploymentOf(parseOptions(deploymentOptionsSchema, options));
    const source = parseOptions(sourceOptionsSchema, options);
    const sourceArn = source.source || source.sourceArn ? await resolveSourceArn(context, source) : undefined;
    const stored = await new TargetsTable(context, deployment.tableName).list(sourceArn);
    const states = await targetStatesOf(context, deployment, stored.map(({ row }) => String(row.sourceArn)));
    const statusOf = (row: Record<string, unknown>) => targetStatus(states.get(String(row.sourceArn)), String(row.id));
    const hooks = new Map((await functionMappings(context, deployment.functionName, sourceArn)).map((mapping) => [mappingStreamArn(mapping), hookOf(mapping)]));
    const hookText = (arn: string) => {
      const hook = hooks.get(arn);
      return hook ? hookLabel({ hook: hook.state, consumer: hook.consumerName }) : '';
    };
    const rows = stored.map(({ row, target, problems }): Record<string, string> => {
      const line = target
        ? { source: target.sourceArn, ...targetLine(target) }
        : { source: String(row.sourceArn ?? ''), id: String(row.id ?? ''), type: String(row.type ?? ''), destination: String(row.destination ?? ''), active: '', options: `INVALID: ${problems.join('; ')}` };
      const { lastError, ...cells } = statusCells(statusOf(row));
      return { ...line, ...cells, 'last error': cut(lastError, LAST_ERROR_WIDTH), hook: hookText(line.source) };
    });
    // the hook column only when some source listed is hooked: its state, and the consumer it reads through
    const hookColumn = rows.some((row) => row.hook) ? ['hook'] : [];
    const columns = [...(sourceArn ? [] : ['source']), ...hookColumn, 'id', 'type', 'destination', 'active', 'state', 'behind', 'stored', 'options', 'last error'];
    const none = sourceArn ? `no targets for ${sourceArn}${hooks.has(sourceArn) ? ` (hook ${hookText(sourceArn)})` : ''}` : `no targets in ${deployment.tableName}`;
    return {
      text: rows.length > 0 ? formatTable(rows, columns) : none,
      // the rows as stored with their state beside them, and a row of a hooked source with its hook
      data: stored.map(({ row, problems }) => {
        const hook = hooks.get(String(row.sourceArn));
        return { ...row, ...(problems.length > 0 ? { problems } : {}), ...statusFields(statusOf(row)), ...(hook ? { hook } : {}) };
      }),
    };
  },
};
