import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A fanout.zip to deploy instead of the one found beside the console (the tests build their own). */
export const RUNTIME_ZIP_VARIABLE = 'FANOUT_RUNTIME_ZIP';

/**
 * Where the function's code is: beside the bundled console (dist/cli.js, dist/fanout.zip), or,
 * when the console runs from its sources in the repository, in the runtime package's build.
 */
const LOCATIONS = [new URL('fanout.zip', import.meta.url), new URL('../../../runtime/dist/fanout.zip', import.meta.url)].map((url) => fileURLToPath(url));

/** The runtime's Lambda package (handler index.handler), as deploy uploads it. */
export function runtimeZip(): Buffer {
  const configured = process.env[RUNTIME_ZIP_VARIABLE];
  if (configured) {
    if (!existsSync(configured)) throw new Error(`${RUNTIME_ZIP_VARIABLE}: no file ${configured}; point it at a fanout.zip, or unset it`);
    return readFileSync(configured);
  }
  const found = LOCATIONS.find((location) => existsSync(location));
  if (!found) throw new Error(`the function's code is missing (no fanout.zip in ${LOCATIONS.join(' or ')}); run pnpm build`);
  return readFileSync(found);
}
