/**
 * The CNN passes the shared model contract (test/contracts/model.contract.ts) on its small synthetic
 * tables, read as one-pixel-high images (the family's layout when no image shape is given), on the wasm
 * backend. It is not in MODEL_FAMILIES (an image-job family), so models.contract.test.ts does not list it.
 */
import { beforeAll } from 'vitest';
import { cnnSpec } from '../../src/engine/models/nn/cnn/cnn';
import { describeModelContract } from '../contracts/model.contract';
import { initWasmInNode } from './mlp-fixtures';

beforeAll(async () => {
  await initWasmInNode();
});

describeModelContract(cnnSpec);
