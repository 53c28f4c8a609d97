/**
 * Test helpers for the MLP suites: boots the wasm backend in Node through the engine's own
 * initWasmBackend (bytes compiled here, glue required from node_modules), reads the all-numeric
 * benchmark CSVs from /work/shared/data into dense matrices, standardises them, and scores predictions.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Matrix } from '../../src/engine/core/matrix';
import { initWasmBackend } from '../../src/engine/models/nn/backend';

const require = createRequire(import.meta.url);

/**
 * Compiles wasm bytes in Node. The project's ambient types are workerd's, where `WebAssembly.Module` is
 * abstract (Workers forbid compiling from bytes), hence the cast; Node's constructor is real.
 */
export function compileWasm(bytes: Uint8Array): object {
  const Module = WebAssembly.Module as unknown as new (bytes: Uint8Array) => object;
  return new Module(bytes);
}

/** The project's compiled SIMD kernels, checked in beside their AssemblyScript source. */
export const SIMD_KERNELS_WASM = new URL('../../src/engine/models/nn/wasm-kernels/simd/kernels.wasm', import.meta.url);

/**
 * Node's way to the engine's injected loader: compile the .wasm bytes (tfjs's and the project's SIMD
 * kernels), require the CommonJS glue.
 */
export function initWasmInNode(): Promise<void> {
  const bytes = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  return initWasmBackend({
    wasmModule: compileWasm(bytes),
    glueFactory: require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js'),
    kernelModule: compileWasm(readFileSync(SIMD_KERNELS_WASM)),
  });
}

export interface Table {
  readonly X: Matrix;
  readonly y: Float32Array;
}

export const DATA_DIR = '/work/shared/data';

/**
 * Reads an all-numeric CSV (no quoting, no missing values). `classes` maps the target's strings to
 * indices; without it the target is parsed as a number.
 */
export function readNumericCsv(file: string, target: string, classes?: readonly string[]): Table {
  const lines = readFileSync(`${DATA_DIR}/${file}`, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const t = header.indexOf(target);
  if (t < 0) throw new Error(`${file} has no column ${target}`);
  const rows = lines.length - 1;
  const cols = header.length - 1;
  const data = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const cells = lines[i + 1].split(',');
    let c = 0;
    for (let j = 0; j < cells.length; j++) {
      if (j === t) {
        const v = classes ? classes.indexOf(cells[j]) : Number(cells[j]);
        if (classes && v < 0) throw new Error(`unknown class ${cells[j]}`);
        y[i] = v;
      } else data[i * cols + c++] = Number(cells[j]);
    }
  }
  return { X: { rows, cols, data }, y };
}

/** Standardises every table's columns in place with the first table's mean and std (std 0 -> 1). */
export function standardise(fit: Table, ...others: Table[]): void {
  const { rows, cols, data } = fit.X;
  for (let c = 0; c < cols; c++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + c];
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (data[i * cols + c] - mean) ** 2;
    const std = Math.sqrt(ss / rows) || 1;
    for (const tbl of [fit, ...others]) {
      for (let i = 0; i < tbl.X.rows; i++) tbl.X.data[i * cols + c] = (tbl.X.data[i * cols + c] - mean) / std;
    }
  }
}

/** Splits off every k-th row (deterministic) as a validation table. */
export function holdout(tbl: Table, every: number): { train: Table; valid: Table } {
  const trainIdx: number[] = [];
  const validIdx: number[] = [];
  for (let i = 0; i < tbl.X.rows; i++) (i % every === 0 ? validIdx : trainIdx).push(i);
  const take = (idx: number[]): Table => {
    const cols = tbl.X.cols;
    const data = new Float32Array(idx.length * cols);
    idx.forEach((r, i) => data.set(tbl.X.data.subarray(r * cols, (r + 1) * cols), i * cols));
    return { X: { rows: idx.length, cols, data }, y: Float32Array.from(idx, (r) => tbl.y[r]) };
  };
  return { train: take(trainIdx), valid: take(validIdx) };
}

/** ROC AUC of scores for labels 0/1 (rank statistic, ties averaged). */
export function rocAuc(y: Float32Array, score: Float32Array): number {
  const idx = Array.from(y, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]] === score[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = y.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of rows whose arg-max over `width` outputs equals the label. */
export function accuracy(y: Float32Array, out: Float32Array, width: number): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (out[i * width + c] > out[i * width + best]) best = c;
    if (best === y[i]) ok++;
  }
  return ok / y.length;
}
