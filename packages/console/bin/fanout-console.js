#!/usr/bin/env node
// The bundled CLI; `pnpm build` (or scripts/setup) makes it.
import '../dist/cli.js';
