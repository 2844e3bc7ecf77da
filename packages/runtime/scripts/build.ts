import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { BUNDLE_TARGET } from '../src/config/lambda-runtimes.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The entry file inside the zip: the function's handler setting is `index.handler`, which Lambda finds as index.mjs. */
export const HANDLER_FILE = 'index.mjs';
export const ZIP_FILE = 'fanout.zip';
/** Where the lazily loaded parts go, beside the entry. */
const CHUNKS_DIRECTORY = 'chunks';

export interface RuntimeBuild {
  handlerFile: string;
  /** Every file of the function's code (the entry and its chunks), as the zip holds them. */
  files: string[];
  zipFile: string;
  metafile: Metafile;
}

/** CommonJS libraries inside an ES module bundle still call require() for Node's own modules. */
export const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * How a bundle is minified: `all`, or `keep-names` for a profile read by name, whose code is
 * otherwise the same (minifying the syntax inlines module constants, which V8 otherwise loads
 * from the module's context at each use: a loop of the JSON check ran twice as slow).
 */
export type Minify = 'all' | 'keep-names';

export function minifyOptions(minify: Minify): { minifySyntax: true; minifyWhitespace: true; minifyIdentifiers: boolean } {
  return { minifySyntax: true, minifyWhitespace: true, minifyIdentifiers: minify === 'all' };
}

/**
 * Bundles the handler as an ES module split into chunks and zips them for Lambda. Whatever is
 * reached only through dynamic import() — the pipeline itself, each target type's sender, the SDK
 * clients, KPL de-aggregation, the failure stores — is a chunk of its own that Node reads and
 * compiles only when first used: a function starts with the few kilobytes of the entry, and a
 * target type's client code loads only when a target of that type is first served.
 */
export async function buildRuntime(outDir = join(packageDir, 'dist'), options: { minify?: Minify } = {}): Promise<RuntimeBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    // metafile paths relative to the package: src/handler.ts, node_modules/...
    absWorkingDir: packageDir,
    entryPoints: { index: 'src/handler.ts' },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${CHUNKS_DIRECTORY}/[hash]`,
    bundle: true,
    splitting: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'esm',
    // the SDK's ES module builds, which tree-shake
    mainFields: ['module', 'main'],
    ...minifyOptions(options.minify ?? 'all'),
    treeShaking: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: REQUIRE_SHIM },
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(metafile.outputs).map((output) => relative(outDir, resolve(packageDir, output))).sort();
  const zipFile = join(outDir, ZIP_FILE);
  // a fixed date keeps the zip byte-identical from one build to the next
  const mtime = new Date('2026-01-01T00:00:00Z');
  writeFileSync(zipFile, zipSync(Object.fromEntries(files.map((file) => [file, [readFileSync(join(outDir, file)), { mtime }]]))));
  return { handlerFile: join(outDir, HANDLER_FILE), files, zipFile, metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { handlerFile, files, zipFile } = await buildRuntime();
  const size = (file: string) => `${(readFileSync(file).length / 1024).toFixed(0)} KiB`;
  console.log(`${handlerFile} (${size(handlerFile)}, ${files.length - 1} chunks beside it)\n${zipFile} (${size(zipFile)})`);
}
