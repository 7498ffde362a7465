import type { OnCallConfigInput } from '../config.js';

/** The spec's rotations (section 5.2) over teams of two, two and one people. */
export const specOnCall = {
  teams: {
    platform: {
      members: [
        {
          name: 'alice',
          email: 'alice@example.com',
          phone: '+15550100',
          slack: 'U0001',
          pagerduty: 'PABC123',
        },
        { name: 'bob', email: 'bob@example.com' },
      ],
    },
    backend: { members: [{ name: 'carol' }, { name: 'dave' }] },
    frontend: { members: [{ name: 'erin' }] },
  },
  oncall_rotations: {
    primary_oncall: {
      shift_length_hours: 12,
      handoff_time: '08:00',
      timezone: 'America/Chicago',
      members: [
        { team: 'platform', weight: 2 },
        { team: 'backend', weight: 2 },
        { team: 'frontend', weight: 1 },
      ],
    },
    secondary_oncall: {
      shift_length_hours: 24,
      handoff_time: '09:00',
      timezone: 'America/Chicago',
      members: [
        { team: 'platform', weight: 1 },
        { team: 'backend', weight: 1 },
        { team: 'frontend', weight: 1 },
      ],
    },
  },
} satisfies OnCallConfigInput;
