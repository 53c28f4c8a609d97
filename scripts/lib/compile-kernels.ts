/**
 * Compiles the AssemblyScript source of the project's wasm-SIMD kernels
 * (src/engine/models/nn/wasm-kernels/simd/kernels.as) to wasm bytes, in process, with the one set of
 * options that `npm run build:kernels` uses and that the test comparing the checked-in binary repeats.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const KERNELS_SOURCE = fileURLToPath(new URL('../../src/engine/models/nn/wasm-kernels/simd/kernels.as', import.meta.url));
export const KERNELS_WASM = fileURLToPath(new URL('../../src/engine/models/nn/wasm-kernels/simd/kernels.wasm', import.meta.url));

/**
 * Release build with SIMD; the memory is imported (tfjs's heap) and not exported; no runtime, no
 * asserts and no abort import, so the module's only import is `env.memory`.
 */
const OPTIONS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  noAssert: true,
  runtime: 'stub',
  importMemory: true,
  noExportMemory: true,
  enable: ['simd'],
  use: ['abort='],
};

export async function compileKernels(): Promise<Uint8Array> {
  const { compileString } = await import('assemblyscript/asc');
  // asc wants a .ts name for its entry file; the source keeps .as so that tsc leaves it alone.
  const result = await compileString({ 'kernels.ts': readFileSync(KERNELS_SOURCE, 'utf8') }, OPTIONS);
  if (result.error !== null || result.binary === null) {
    throw new Error(`AssemblyScript compile failed: ${result.error?.message ?? 'no binary'}\n${result.stderr.toString()}`);
  }
  return result.binary;
}
