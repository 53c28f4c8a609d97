/**
 * @module worker/tfjs-wasm
 * Workerd wiring for the engine's tfjs wasm-SIMD backend. Workers forbid compiling WebAssembly from
 * bytes, so the `.wasm` arrives as an already compiled `WebAssembly.Module` through wrangler's default
 * CompiledWasm rule (the vitest pool honours it too), and the Emscripten glue is imported as a module;
 * both are handed to the engine's initWasmBackend, which never imports Workers code itself. Importing this
 * module (the Worker's entry does) registers that init as the engine's backend provider: every tfjs model
 * the engine loads or fits (an MLP or CNN member, an rnn forecaster) awaits it first, whatever the path
 * (trial, queue task, route), and paths without a tfjs model never run it.
 */
import simdModule from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';
import glueFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';
import { initWasmBackend, provideTfjsBackend } from '../engine/models/nn/backend';
// The project's own SIMD matmul and reduction kernels (AssemblyScript, built by npm run build:kernels),
// compiled by the same CompiledWasm rule; they share the tfjs heap.
import kernelModule from '../engine/models/nn/wasm-kernels/simd/kernels.wasm';

/**
 * Makes the wasm-SIMD backend (with the project's SIMD kernels) the active tfjs backend in this isolate.
 * Cheap after the first call, and concurrent first calls share one init (the engine memoises it; a failed
 * init is retried by the next call). Callers need not call it: the engine does, through the provider below.
 */
export function ensureTfjsWasm(): Promise<void> {
  return initWasmBackend({ wasmModule: simdModule, glueFactory, kernelModule });
}

// At module evaluation, so it is in place before any handler of the isolate runs.
provideTfjsBackend(ensureTfjsWasm);
