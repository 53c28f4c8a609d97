/**
 * @module worker/tfjs-wasm
 * Workerd wiring for the engine's tfjs wasm-SIMD backend. Workers forbid compiling WebAssembly from
 * bytes, so the `.wasm` arrives as an already compiled `WebAssembly.Module` through wrangler's default
 * CompiledWasm rule (the vitest pool honours it too), and the Emscripten glue is imported as a module;
 * both are handed to the engine's initWasmBackend, which never imports Workers code itself.
 */
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import glueFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';
import { initWasmBackend } from '../engine/models/nn/backend';
// The project's own SIMD matmul and reduction kernels (AssemblyScript, built by npm run build:kernels),
// compiled by the same CompiledWasm rule; they share the tfjs heap.
import kernelModule from '../engine/models/nn/wasm-kernels/simd/kernels.wasm';

/**
 * Makes the wasm-SIMD backend (with the project's SIMD kernels) the active tfjs backend in this isolate.
 * Cheap after the first call (the engine memoises it); call it before any tfjs use, e.g. at the top of a
 * queue consumer that trains an MLP or a predict route that loads one.
 */
export function ensureTfjsWasm(): Promise<void> {
  return initWasmBackend({ wasmModule: simdModule, glueFactory, kernelModule });
}
