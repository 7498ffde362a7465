import { describe, expect, it } from 'vitest';
import { createAlertMarker } from './marker.js';

describe('createAlertMarker', () => {
  it('tracks unprocessed, active and suppressed alerts with what suppresses them', () => {
    const marker = createAlertMarker();
    expect(marker.status('a')).toEqual({ state: 'unprocessed', silencedBy: [], inhibitedBy: [] });
    marker.setSilenced('a', []);
    expect(marker.status('a').state).toBe('active');
    marker.setSilenced('a', ['s1']);
    marker.setInhibited('b', ['f00d']);
    expect(marker.status('a')).toEqual({
      state: 'suppressed',
      silencedBy: ['s1'],
      inhibitedBy: [],
    });
    expect(marker.status('b')).toEqual({
      state: 'suppressed',
      silencedBy: [],
      inhibitedBy: ['f00d'],
    });
    marker.setInhibited('b', []);
    expect(marker.counts()).toEqual({ unprocessed: 0, active: 1, suppressed: 1 });
    marker.delete('a');
    expect(marker.status('a').state).toBe('unprocessed');
  });
});
