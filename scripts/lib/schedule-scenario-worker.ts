/**
 * Worker thread of bench-forecast-schedule (started by ./ts-worker with the ScheduleSettings as its data):
 * runs each scenario index the main thread sends, one at a time, and posts back its ScheduleResult.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runScheduleScenario, type ScheduleSettings } from './schedule-scenarios';

const port = parentPort;
if (!port) throw new Error('schedule-scenario-worker runs as a worker thread of bench-forecast-schedule');
await tf.setBackend('cpu');
const settings = workerData as ScheduleSettings;
port.on('message', (index: number) => {
  // A failure rejects unhandled, which ends the thread with an `error` event the main thread reports.
  void runScheduleScenario(index, settings).then((result) => port.postMessage(result));
});
