/**
 * Boots the tfjs wasm-SIMD backend in Node for the scripts, through the engine's own initWasmBackend
 * (the path workerd uses, so the transposed-matmul fix and the project's SIMD kernels are installed too):
 * the .wasm bytes are compiled here and the CommonJS glue is required from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasmBackend, type WasmBackendOptions } from '../../src/engine/models/nn/backend';

const require = createRequire(import.meta.url);

/** The project's compiled SIMD kernels, checked in beside their AssemblyScript source. */
export const SIMD_KERNELS_WASM = new URL('../../src/engine/models/nn/wasm-kernels/simd/kernels.wasm', import.meta.url);

/** Compiles wasm bytes; the project's ambient types are workerd's, where WebAssembly.Module cannot compile bytes. */
export function compileWasm(bytes: Uint8Array): object {
  const Module = WebAssembly.Module as unknown as new (bytes: Uint8Array) => object;
  return new Module(bytes);
}

export interface NodeWasmOptions extends WasmBackendOptions {
  /** Load the project's SIMD kernels (default true); false measures the package's kernels alone. */
  readonly simdKernels?: boolean;
}

export function initWasmInNode(options: NodeWasmOptions = {}): Promise<void> {
  const bytes = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  return initWasmBackend(
    {
      wasmModule: compileWasm(bytes),
      glueFactory: require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js'),
      kernelModule: options.simdKernels === false ? undefined : compileWasm(readFileSync(SIMD_KERNELS_WASM)),
    },
    options,
  );
}
