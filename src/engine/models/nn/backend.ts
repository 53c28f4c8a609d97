/**
 * @module engine/models/nn/backend
 * Boots the TensorFlow.js wasm-SIMD backend from an injected, already compiled WebAssembly module and
 * the Emscripten glue factory, so the engine never imports Workers code: workerd hands over a compiled
 * module through wrangler's CompiledWasm rule (src/worker/tfjs-wasm.ts), Node compiles the bytes itself
 * (tests, benchmarks, CLI). The stock loader cannot be used in workerd because it compiles wasm from
 * bytes, which Workers forbid. Also installs the transposed-matmul fix (see ./matmul-fix), the
 * gradient kernels the wasm package lacks (see ./wasm-kernels: conv nets cannot train on wasm without them)
 * and, when the host passes the project's compiled SIMD kernel module, the faster matmul and bias-gradient
 * kernels over the same heap (./wasm-kernels/simd-module).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { installBatchMatMulFix } from './matmul-fix';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { bindSimdKernels } from './wasm-kernels/simd-module';
import { installSimdMatMul } from './wasm-kernels/simd-matmul';
import { installSimdSum } from './wasm-kernels/simd-sum';

/** The Emscripten glue's default export: builds the module and resolves once it is instantiated. */
export type WasmGlueFactory = (options: Record<string, unknown>) => Promise<unknown>;

/** What the host supplies: a compiled `WebAssembly.Module` and the glue `wasm-out/tfjs-backend-wasm.js`. */
export interface WasmBackendLoader {
  /** A compiled `WebAssembly.Module` of `tfjs-backend-wasm-simd.wasm` (or the plain binary). */
  readonly wasmModule: object;
  /** The glue factory; one glue serves both the plain and the SIMD binaries. */
  readonly glueFactory: WasmGlueFactory;
  /**
   * A compiled `WebAssembly.Module` of the project's kernels (wasm-kernels/simd/kernels.wasm). Optional:
   * without it training runs on the package's kernels (with the transposed-matmul fix), several times slower.
   */
  readonly kernelModule?: object;
}

/** Options of {@link initWasmBackend}. */
export interface WasmBackendOptions {
  /** Re-register BatchMatMul so transposed products take the fast path (default true). */
  readonly transposedMatMulFix?: boolean;
}

/** The slice of the WebAssembly API the loader needs; the engine tsconfig has no DOM/WebAssembly types. */
interface WasmInstanceApi {
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The Emscripten module after instantiation, as far as the bridge needs it. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: unknown[]) => unknown;
  tfjs?: Record<string, (...args: unknown[]) => unknown>;
}

const WASM_PRIORITY = 2;
/** Tags backends built here, so a second copy of this module (another bundle) does not rebuild a live one. */
const BUILT_HERE = Symbol.for('edge-automl.tfjs-wasm-backend');
let initPromise: Promise<void> | null = null;

/**
 * Makes `'wasm'` the active tfjs backend, built from the injected module, with the transposed-matmul
 * fix installed. Idempotent: the first call does the work once per isolate (its options win), later
 * calls return the same promise; a failed attempt rejects and can be retried. Call it before any tfjs
 * op or `tf.ready()`: those would otherwise pick a backend through the stock loader, which fails in
 * workerd (it compiles bytes) and silently falls back to cpu where a cpu backend is registered.
 */
export function initWasmBackend(loader: WasmBackendLoader, options: WasmBackendOptions = {}): Promise<void> {
  if (initPromise === null) {
    if (tf.getBackend() === 'wasm' && isBuiltHere(tf.findBackend('wasm'))) {
      // Another copy of this module built the backend; the kernel registry is global, so top it up.
      registerWasmTrainingKernels();
      return Promise.resolve();
    }
    initPromise = doInit(loader, options).catch((err: unknown) => {
      initPromise = null;
      throw err;
    });
  }
  return initPromise;
}

/**
 * How the host boots its tfjs backend when a tfjs model is first needed (see {@link provideTfjsBackend}):
 * null where the caller activates a backend itself (Node tests, benchmarks, the portable loader).
 */
let hostBackend: (() => Promise<void>) | null = null;

/**
 * Registers how this host boots its tfjs backend (the Worker: initWasmBackend with its compiled modules).
 * Every tfjs family then awaits it, through {@link readyTfjsBackend}, before it loads or fits a model, so
 * no caller (queue task, route, trial) has to remember to boot the backend, and hosts that never meet a
 * tfjs model never pay for the init. `boot` must be idempotent and safe to await concurrently, as
 * initWasmBackend is; null unregisters.
 */
export function provideTfjsBackend(boot: (() => Promise<void>) | null): void {
  hostBackend = boot;
}

/**
 * Awaited by the tfjs families (mlp, cnn, rnn) before they load or fit a model: boots the host's backend
 * when one is registered, then requires an active backend. Without a host provider, loading must not be
 * the thing that picks a backend either: tfjs would start the stock wasm loader, which fails in workerd
 * and answers the load with "backend 'wasm' has not yet been initialized".
 */
export async function readyTfjsBackend(): Promise<string> {
  if (hostBackend !== null) await hostBackend();
  return requireActiveBackend();
}

/** Name of the active tfjs backend, or null when none is initialised yet (never triggers an init). */
export function activeBackendName(): string | null {
  // tf.getBackend() reads engine.backendName without initialising anything.
  return tf.getBackend() ?? null;
}

/**
 * Throws unless some tfjs backend is already active. Fitting or loading must not be the thing that picks a
 * backend: tfjs would try the stock wasm loader, which fails in workerd and skips the matmul fix in Node.
 */
export function requireActiveBackend(): string {
  const name = activeBackendName();
  if (name === null) {
    throw new Error('no tfjs backend is active: call initWasmBackend() or provideTfjsBackend() (engine/models/nn/backend), or tf.setBackend(), before a tfjs model is trained or loaded');
  }
  return name;
}

async function doInit(loader: WasmBackendLoader, options: WasmBackendOptions): Promise<void> {
  const env = tf.env();
  // No threads in workerd or Node here, and the threaded binary is not shipped; keep every path single-threaded.
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => createBackend(loader), WASM_PRIORITY);
  // Before setBackend so the wrapper's setupFunc (which runs the original setup) is called at backend init.
  if (options.transposedMatMulFix !== false) installBatchMatMulFix();
  registerWasmTrainingKernels();
  if (loader.kernelModule !== undefined) {
    // Over the kernels registered above, which stay their fallbacks (other shapes, other dtypes).
    installSimdMatMul();
    installSimdSum();
  }
  const ok = await tf.setBackend('wasm');
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(`tfjs wasm backend failed to initialise (active backend: ${String(tf.getBackend())})`);
  }
}

async function createBackend(loader: WasmBackendLoader): Promise<tf.KernelBackend> {
  const wasmApi = (globalThis as unknown as { WebAssembly: WasmInstanceApi }).WebAssembly;
  let memory: object | null = null;
  const config = {
    // Instantiating a precompiled module is allowed in workerd; compiling bytes is not.
    instantiateWasm(imports: object, receive: (instance: unknown, module: object) => void) {
      const instance = new wasmApi.Instance(loader.wasmModule, imports);
      memory = (instance.exports as { memory?: object }).memory ?? null;
      receive(instance, loader.wasmModule);
      return instance.exports;
    },
    locateFile: (path: string) => path,
  };
  const pending = withoutProcess(() => loader.glueFactory(config));
  const mod = (await pending) as EmscriptenModule;
  // The same bridge the package's own init() builds; BackendWasm expects it under mod.tfjs.
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  const backend = new BackendWasm(mod as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  Object.defineProperty(backend, BUILT_HERE, { value: true });
  if (loader.kernelModule !== undefined) {
    if (memory === null) throw new Error('the tfjs wasm binary exports no memory: the SIMD kernels cannot share its heap');
    bindSimdKernels(backend, loader.kernelModule, memory);
  }
  return backend;
}

function isBuiltHere(backend: tf.KernelBackend | null | undefined): boolean {
  return backend != null && (backend as unknown as Record<symbol, unknown>)[BUILT_HERE] === true;
}

/**
 * Runs `fn` with `globalThis.process` hidden. Emscripten takes its Node code paths when it sees `process`
 * (`__dirname`, `require('fs')`, process-wide exception handlers), which breaks under workerd's Node
 * compatibility and is unwanted in Node too. The glue call is synchronous up to its first await, so
 * nothing else can observe the missing global.
 */
function withoutProcess<T>(fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const desc = Object.getOwnPropertyDescriptor(g, 'process');
  if (desc === undefined) return fn();
  if (desc.configurable) {
    Object.defineProperty(g, 'process', { value: undefined, configurable: true, writable: true });
    try {
      return fn();
    } finally {
      Object.defineProperty(g, 'process', desc);
    }
  }
  const saved = g.process;
  g.process = undefined;
  try {
    return fn();
  } finally {
    g.process = saved;
  }
}
