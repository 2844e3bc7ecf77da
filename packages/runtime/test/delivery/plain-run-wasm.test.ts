import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_SOURCES, embeddedModule } from '../../scripts/wasm.js';

describe('the embedded WebAssembly', () => {
  it.each(WASM_SOURCES)('$module is what $text compiles to (run `pnpm wasm` after editing the text)', async (source) => {
    const checkedIn = readFileSync(fileURLToPath(new URL(`../../${source.module}`, import.meta.url)), 'utf8');
    expect(checkedIn).toBe(await embeddedModule(source));
  });
});
