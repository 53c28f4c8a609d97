/**
 * Worker thread of bench-forecast-covariates (started by ./ts-worker with ScenarioOptions as its data):
 * runs each scenario index the main thread sends, one at a time, and posts back its ScenarioResult.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runScenario, type ScenarioOptions } from './covariate-scenarios';

const port = parentPort;
if (!port) throw new Error('covariate-scenario-worker runs as a worker thread of bench-forecast-covariates');
// As the main thread of the forecast benchmarks sets it, so a scenario runs alike wherever it runs.
await tf.setBackend('cpu');
const options = workerData as ScenarioOptions;
port.on('message', (index: number) => {
  // A failure rejects unhandled, which ends the thread with an `error` event the main thread reports.
  void runScenario(index, options).then((result) => port.postMessage(result));
});
