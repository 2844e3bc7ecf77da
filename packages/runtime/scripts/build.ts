import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { BUNDLE_TARGET } from '../src/config/lambda-runtimes.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The file inside the zip: the function's handler setting is `index.handler`. */
export const HANDLER_FILE = 'index.js';
export const ZIP_FILE = 'fanout.zip';

export interface RuntimeBuild {
  handlerFile: string;
  zipFile: string;
  metafile: Metafile;
}

/**
 * Bundles the handler into one CommonJS file and zips it for Lambda. The target types' senders
 * are reached only through dynamic import(), which esbuild turns into lazily initialised modules:
 * a target type's client code runs only when a target of that type is first served.
 */
export async function buildRuntime(outDir = join(packageDir, 'dist')): Promise<RuntimeBuild> {
  mkdirSync(outDir, { recursive: true });
  const handlerFile = join(outDir, HANDLER_FILE);
  const { metafile } = await build({
    // metafile paths relative to the package: src/handler.ts, node_modules/...
    absWorkingDir: packageDir,
    entryPoints: ['src/handler.ts'],
    outfile: handlerFile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'cjs',
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  // the package is ESM; this says the bundle beside it is CommonJS, as it is inside the zip
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  const zipFile = join(outDir, ZIP_FILE);
  // a fixed date keeps the zip byte-identical from one build to the next
  writeFileSync(zipFile, zipSync({ [HANDLER_FILE]: [readFileSync(handlerFile), { mtime: new Date('2026-01-01T00:00:00Z') }] }));
  return { handlerFile, zipFile, metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { handlerFile, zipFile } = await buildRuntime();
  const size = (file: string) => `${(readFileSync(file).length / 1024).toFixed(0)} KiB`;
  console.log(`${handlerFile} (${size(handlerFile)})\n${zipFile} (${size(zipFile)})`);
}
