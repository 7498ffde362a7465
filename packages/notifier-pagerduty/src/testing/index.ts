export { startFakePagerDuty, validateEventV1, validateEventV2 } from './fake-pagerduty.js';
export type { FakeAnswer, FakePagerDuty, ReceivedEvent } from './fake-pagerduty.js';
