import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const repositoryRoot = resolve(import.meta.dirname, '..', '..', '..');
const dockerfile = readFileSync(resolve(repositoryRoot, 'Dockerfile'), 'utf8');

/**
 * No image can be built here (no Docker daemon): the Dockerfile is checked by a linter of the
 * Dockerfile language, and its steps are the ones the package test runs (pack, install -g, run).
 */
describe('the standalone run\'s Dockerfile', () => {
  it('has nothing a Dockerfile linter finds wrong', () => {
    const problems = validate(dockerfile).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`);
    expect(problems).toEqual([]);
  });

  it('installs the packed console, as README says an install outside a clone does, and runs `local` as a user who is not root', () => {
    expect(dockerfile).toMatch(/pnpm --filter fanout-console pack --pack-destination \/out/);
    expect(dockerfile).toMatch(/npm install --global \/tmp\/fanout\/fanout-console-\*\.tgz/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["fanout-console", "local"\]$/m);
    // the version of pnpm the image installs is the repository's own
    const { packageManager } = JSON.parse(readFileSync(resolve(repositoryRoot, 'package.json'), 'utf8')) as { packageManager?: string };
    if (packageManager) expect(dockerfile).toContain(`npm install --global ${packageManager}`);
  });
});
