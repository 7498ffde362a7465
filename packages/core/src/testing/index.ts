export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { seededRandom } from './random.js';
export { createMemoryStore, createMemoryEscalationStore } from '../memory-store.js';
export {
  buildAlert,
  buildAlerts,
  buildNotification,
  buildNotificationAttempt,
  buildRoute,
} from './builders.js';
export {
  describeNotifierConformance,
  describeTransportConformance,
  httpConformanceTransport,
} from './notifier-conformance.js';
export type {
  ConformancePeer,
  ConformanceFailureCase,
  ConformanceTransport,
  TransportConformanceSetup,
  TransportConformanceSetupFunction,
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
export type { DocSnippet, DocSnippetOptions, TestRegistrar } from './doc-snippets.js';
export { describeEscalationStoreConformance } from './escalation-store-conformance.js';
export { createSelfSignedCertificate } from './certificates.js';
export type { SelfSignedCertificate, SelfSignedCertificateOptions } from './certificates.js';
