/** Module declarations for imports that wrangler's bundler (and the vitest pool) resolve specially. */
declare module '*.wasm' {
  const compiled: WebAssembly.Module;
  export default compiled;
}
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js' {
  const factory: (options: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}
