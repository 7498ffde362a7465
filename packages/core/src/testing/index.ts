export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { createMemoryStore } from '../memory-store.js';
export { buildAlert, buildAlerts, buildNotification, buildRoute } from './builders.js';
