#!/usr/bin/env node
// The bundled CLI; `pnpm build` (or scripts/setup) makes it. React (the interactive app) runs in
// its production mode unless told otherwise: development mode only adds checks and warnings.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli.js');
