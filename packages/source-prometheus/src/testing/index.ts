// Test helpers for rule sources (this package's, Loki's and Tempo's tests, and host apps'):
// a source context around a FakeClock, a scripted backend and a loopback fake API.
export { ScriptedBackend, eventually, startFakeApi, testContext } from '../test-support.js';
export type { FakeApi, ReceivedRequest, TestContext } from '../test-support.js';
