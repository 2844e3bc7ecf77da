import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../log/logger.js';
import type { SourceTargets, TargetsSource } from './loader.js';
import { validateTargetRow, type TargetConfig } from './schema.js';

/** How often the file's modification time is looked at: an edit takes effect within this. */
export const TARGETS_FILE_CHECK_MS = 1_000;

/** Targets that cannot be used as given (a file, or flags): every problem, each naming its row and field. */
export class InvalidTargetsError extends Error {
  override name = 'InvalidTargetsError';

  constructor(
    /** Where they were given: the file, or the flag. */
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`${origin}: ${problems.join('; ')}`);
  }
}

/** A row's name in messages: its place in the list (from 1) and its id when it has one. */
function rowName(index: number, row: unknown): string {
  const id = typeof row === 'object' && row !== null && 'id' in row && typeof row.id === 'string' ? ` (id ${row.id})` : '';
  return `row ${index + 1}${id}`;
}

/**
 * The rows of a targets file, JSON or YAML (YAML being a superset of JSON, one parser reads
 * both): a list of rows in the targets table's schema, validated by the same schema. A row
 * without `sourceArn` is a target of every source of the run.
 */
export function readTargetsFile(file: string, sourceArns: readonly string[]): TargetConfig[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    throw new InvalidTargetsError(file, [(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON or YAML: ${reason}`]);
  }
  const rows = Array.isArray(document) ? (document as unknown[]) : (document as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(rows)) throw new InvalidTargetsError(file, ['expected a list of target rows (or `targets:` holding one)']);
  return validTargetRows(rows, sourceArns, file);
}

/**
 * Rows in the targets table's schema, validated by the same schema; a row without `sourceArn` is a
 * target of each of the run's sources. Every problem is named with its row (`row 2 (id copy): …`),
 * unless `nameRows` is false (a target given by flags, named by its flag).
 */
export function validTargetRows(rows: readonly unknown[], sourceArns: readonly string[], origin: string, nameRows = true): TargetConfig[] {
  const problems: string[] = [];
  const targets: TargetConfig[] = [];
  const seen = new Set<string>();
  const prefix = (index: number, row: unknown) => (nameRows ? `${rowName(index, row)}: ` : '');
  rows.forEach((row, index) => {
    const forEverySource = typeof row === 'object' && row !== null && !('sourceArn' in row);
    for (const sourceArn of forEverySource ? sourceArns : [undefined]) {
      const validation = validateTargetRow(sourceArn ? { ...(row as object), sourceArn } : row);
      if (!validation.ok) {
        problems.push(...validation.problems.map((problem) => `${prefix(index, row)}${problem}`));
        return;
      }
      const key = JSON.stringify([validation.target.sourceArn, validation.target.id]);
      if (seen.has(key)) {
        problems.push(`${prefix(index, row)}id: another row of ${validation.target.sourceArn} has the id ${validation.target.id}; give each an id of its own`);
        return;
      }
      seen.add(key);
      targets.push(validation.target);
    }
  });
  if (problems.length > 0) throw new InvalidTargetsError(origin, problems);
  return targets;
}

function bySource(targets: readonly TargetConfig[], sourceArn: string): SourceTargets {
  const all = targets.filter((target) => target.sourceArn === sourceArn);
  return { all, active: all.filter((target) => target.active), invalidRows: 0 };
}

/**
 * Targets from a file, read again when it changes, as the table is read again when its cache
 * expires. The file must be valid when the run starts; an edit that makes it invalid is refused
 * with one log line and the targets read before stay, so that a half-saved file stops nothing.
 */
export class FileTargets implements TargetsSource {
  private targets: TargetConfig[];
  private version: string;
  private checkedAt: number;

  constructor(
    private readonly file: string,
    private readonly sourceArns: readonly string[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.version = this.currentVersion();
    this.targets = readTargetsFile(file, sourceArns);
    this.checkedAt = now();
  }

  get description(): string {
    return `the file ${this.file}`;
  }

  targetsOf(sourceArn: string): Promise<SourceTargets> {
    if (this.now() - this.checkedAt >= TARGETS_FILE_CHECK_MS) this.readIfChanged();
    return Promise.resolve(bySource(this.targets, sourceArn));
  }

  private currentVersion(): string {
    try {
      const { mtimeMs, size } = statSync(this.file);
      return `${mtimeMs}:${size}`;
    } catch {
      return 'absent';
    }
  }

  private readIfChanged(): void {
    this.checkedAt = this.now();
    const version = this.currentVersion();
    if (version === this.version) return;
    this.version = version;
    try {
      this.targets = readTargetsFile(this.file, this.sourceArns);
      this.log.info(`read the targets again from ${this.file}: ${this.targets.length} targets`, { file: this.file });
    } catch (error) {
      const problems = error instanceof InvalidTargetsError ? error.problems : [(error as Error).message];
      this.log.warn(`kept the targets read before: ${this.file} changed, but ${problems.join('; ')}`, { file: this.file, problems });
    }
  }
}

/** Targets given once (a single target from flags): never read again. */
export class FixedTargets implements TargetsSource {
  constructor(
    private readonly targets: readonly TargetConfig[],
    readonly description: string,
  ) {}

  targetsOf(sourceArn: string): Promise<SourceTargets> {
    return Promise.resolve(bySource(this.targets, sourceArn));
  }
}
