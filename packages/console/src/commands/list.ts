import { resolveSourceArn } from '../aws/sources.js';
import { deploymentOf } from '../aws/names.js';
import { TargetsTable } from '../aws/targets-table.js';
import { formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions, deploymentOptionsSchema, parseOptions, sourceOptionsSchema } from './options.js';
import { targetLine } from './target-rows.js';

export const listCommand: CommandDefinition = {
  name: 'list',
  description: 'list the targets of a source (of every source without --source/--source-arn)',
  configure(command) {
    addSourceOptions(addDeploymentOptions(command));
  },
  async run(context, options) {
    const deployment = deploymentOf(parseOptions(deploymentOptionsSchema, options));
    const source = parseOptions(sourceOptionsSchema, options);
    const sourceArn = source.source || source.sourceArn ? await resolveSourceArn(context, source) : undefined;
    const stored = await new TargetsTable(context, deployment.tableName).list(sourceArn);
    const rows = stored.map(({ row, target, problems }): Record<string, string> =>
      target
        ? { source: target.sourceArn, ...targetLine(target) }
        : { source: String(row.sourceArn ?? ''), id: String(row.id ?? ''), type: String(row.type ?? ''), destination: String(row.destination ?? ''), active: '', options: `INVALID: ${problems.join('; ')}` },
    );
    const columns = [...(sourceArn ? [] : ['source']), 'id', 'type', 'destination', 'active', 'options'];
    return {
      text: rows.length > 0 ? formatTable(rows, columns) : `no targets${sourceArn ? ` for ${sourceArn}` : ` in ${deployment.tableName}`}`,
      data: stored.map(({ row, problems }) => (problems.length > 0 ? { ...row, problems } : row)),
    };
  },
};
