export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { createMemoryStore } from '../memory-store.js';
export { buildAlert, buildAlerts, buildNotification, buildRoute } from './builders.js';
export { describeNotifierConformance } from './notifier-conformance.js';
export type {
  ConformanceAssertion,
  ConformanceTestApi,
  FakeResponse,
  RecordedRequest,
  NotifierConformanceContext,
  NotifierConformanceSetup,
  NotifierConformanceSetupFunction,
} from './notifier-conformance.js';
export { describeStoreConformance } from './store-conformance.js';
export type {
  StoreConformanceAssertion,
  StoreConformanceTestApi,
  StoreConformanceTestContext,
  StoreUnderTest,
} from './store-conformance.js';
export { describeDocSnippets, docSnippets, runDocSnippet } from './doc-snippets.js';
export type { DocSnippet, TestRegistrar } from './doc-snippets.js';
