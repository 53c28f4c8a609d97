/**
 * Worker thread of bench-forecast-weekly (started by ./ts-worker with the SearchSettings as its data):
 * runs each scenario index the main thread sends, one at a time, and posts back its ScenarioResult.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { SearchSettings } from './forecast-search';
import { runScenario } from './weekly-scenarios';

const port = parentPort;
if (!port) throw new Error('weekly-scenario-worker runs as a worker thread of bench-forecast-weekly');
// As the main thread of the forecast benchmarks sets it, so a scenario runs alike wherever it runs.
await tf.setBackend('cpu');
const search = workerData as SearchSettings;
port.on('message', (index: number) => {
  // A failure rejects unhandled, which ends the thread with an `error` event the main thread reports.
  void runScenario(index, search).then((result) => port.postMessage(result));
});
