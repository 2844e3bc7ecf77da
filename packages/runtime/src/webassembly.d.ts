/** The part of WebAssembly's JavaScript API the runtime uses: TypeScript declares it with the DOM library only, and @types/node 22 does not. */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    /** Grows by `pages` of 64 KiB; returns the former size in pages. */
    grow(pages: number): number;
  }
}
