/**
 * Every registered model family passes the shared model contract (test/contracts/model.contract.ts).
 * The list comes from the registry, so a newly registered family is covered without editing this file.
 * The tfjs wasm backend is booted first, as the queue consumer does before an MLP trial.
 */
import { beforeAll } from 'vitest';
import { getModelSpec, MODEL_FAMILIES } from '../../src/engine/models/registry';
import { describeModelContract } from '../contracts/model.contract';
import { initWasmInNode } from './mlp-fixtures';

beforeAll(async () => {
  await initWasmInNode();
});

for (const family of MODEL_FAMILIES) describeModelContract(getModelSpec(family));
