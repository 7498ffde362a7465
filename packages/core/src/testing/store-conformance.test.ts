import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../memory-store.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('memory', async () => ({ store: createMemoryStore() }), {
  describe,
  it,
  expect,
});
