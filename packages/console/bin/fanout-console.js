#!/usr/bin/env node
// The bundled CLI; `pnpm build` (or scripts/setup) makes it. React (the interactive app) runs in
// its production mode unless told otherwise: development mode only adds checks and warnings.
const MINIMUM_NODE_MAJOR = 22;
if (Number(process.versions.node.split('.')[0]) < MINIMUM_NODE_MAJOR) {
  // before the AWS SDK loads: on an older Node.js it would print a warning of many lines first
  process.stderr.write(`fanout-console: Node.js ${MINIMUM_NODE_MAJOR} or later is needed, this is ${process.version}: install Node.js ${MINIMUM_NODE_MAJOR} (npm install -g node@${MINIMUM_NODE_MAJOR})\n`);
  process.exit(1);
}
process.env.NODE_ENV ??= 'production';
await import('../dist/cli.js');
