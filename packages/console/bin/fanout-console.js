#!/usr/bin/env node
// The compiled CLI; `pnpm build` (or scripts/setup) makes it.
import '../dist/main.js';
