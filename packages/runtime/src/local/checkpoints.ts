import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The last sequence number delivered, per event source mapping and shard: where reading resumes. */
export interface Checkpoints {
  get(mappingId: string, shardId: string): string | undefined;
  set(mappingId: string, shardId: string, sequenceNumber: string): Promise<void>;
}

type Positions = Record<string, Record<string, string>>;

/** Checkpoints kept in memory only: a restart reads from each mapping's starting position again. */
export class MemoryCheckpoints implements Checkpoints {
  protected positions: Positions = {};

  get(mappingId: string, shardId: string): string | undefined {
    return this.positions[mappingId]?.[shardId];
  }

  async set(mappingId: string, shardId: string, sequenceNumber: string): Promise<void> {
    (this.positions[mappingId] ??= {})[shardId] = sequenceNumber;
  }
}

/**
 * Checkpoints in a JSON file, so that a restarted poller goes on where it stopped. Each change is
 * written to a temporary file renamed over the old one: a crash leaves the old file or the new one.
 */
export class FileCheckpoints extends MemoryCheckpoints {
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {
    super();
  }

  static async open(file: string): Promise<FileCheckpoints> {
    const checkpoints = new FileCheckpoints(file);
    try {
      const positions: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (typeof positions !== 'object' || positions === null || Array.isArray(positions)) throw new Error('expected an object of mappings');
      checkpoints.positions = positions as Positions;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: not a checkpoints file (${(error as Error).message}); move it away to start again`);
    }
    return checkpoints;
  }

  override async set(mappingId: string, shardId: string, sequenceNumber: string): Promise<void> {
    await super.set(mappingId, shardId, sequenceNumber);
    const snapshot = JSON.stringify(this.positions, null, 2);
    // one write at a time, in the order of the changes
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(`${this.file}.tmp`, snapshot);
      await rename(`${this.file}.tmp`, this.file);
    });
    await this.writing;
  }
}
