/**
 * Boots the tfjs wasm-SIMD backend in Node for the scripts, through the engine's own initWasmBackend
 * (the path workerd uses, so the transposed-matmul fix is installed too): the .wasm bytes are compiled
 * here and the CommonJS glue is required from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasmBackend, type WasmBackendOptions } from '../../src/engine/models/nn/backend';

const require = createRequire(import.meta.url);

export function initWasmInNode(options: WasmBackendOptions = {}): Promise<void> {
  const bytes = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  // The project's ambient types are workerd's, where WebAssembly.Module cannot compile bytes; Node's can.
  const Module = WebAssembly.Module as unknown as new (bytes: Uint8Array) => object;
  return initWasmBackend(
    { wasmModule: new Module(bytes), glueFactory: require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js') },
    options,
  );
}
