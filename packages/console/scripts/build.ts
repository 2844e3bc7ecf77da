import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ZIP_FILE, buildRuntime } from '../../runtime/scripts/build.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CLI_FILE = 'cli.js';

export interface ConsoleBuild {
  cliFile: string;
  zipFile: string;
}

/**
 * Bundles the console into one ESM file with the runtime inside it (@fanout/runtime is private, so
 * it cannot be a dependency of the published package); the console's own dependencies stay
 * external. The runtime's Lambda zip goes beside it, where deploy finds it.
 */
export async function buildConsole(outDir = join(packageDir, 'dist'), runtimeOutDir?: string): Promise<ConsoleBuild> {
  const runtime = await buildRuntime(runtimeOutDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { dependencies } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const cliFile = join(outDir, CLI_FILE);
  await build({
    absWorkingDir: packageDir,
    entryPoints: ['src/main.ts'],
    outfile: cliFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: Object.keys(dependencies),
    // bundled CommonJS modules (the runtime's target clients) call require(), which ESM does not define
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const zipFile = join(outDir, ZIP_FILE);
  copyFileSync(runtime.zipFile, zipFile);
  return { cliFile, zipFile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { cliFile, zipFile } = await buildConsole();
  const size = (file: string) => `${(readFileSync(file).length / 1024).toFixed(0)} KiB`;
  console.log(`${cliFile} (${size(cliFile)})\n${zipFile} (${size(zipFile)})`);
}
