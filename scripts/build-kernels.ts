/**
 * `npm run build:kernels`: regenerates src/engine/models/nn/wasm-kernels/simd/kernels.wasm from its
 * AssemblyScript source. The binary is checked in so that installs and tests need no compile step;
 * test/engine/simd-kernels.test.ts fails when it no longer matches the source.
 */
import { writeFileSync } from 'node:fs';
import { compileKernels, KERNELS_WASM } from './lib/compile-kernels';

const bytes = await compileKernels();
writeFileSync(KERNELS_WASM, bytes);
console.log(`wrote ${KERNELS_WASM} (${bytes.length} bytes)`);
