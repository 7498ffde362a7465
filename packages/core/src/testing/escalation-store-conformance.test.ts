import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../memory-store.js';
import { describeEscalationStoreConformance } from './escalation-store-conformance.js';

describeEscalationStoreConformance('memory', async () => ({ store: createMemoryStore() }), {
  describe,
  it,
  expect,
});
