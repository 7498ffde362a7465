import { afterEach, describe, expect, it } from 'vitest';
import { expectGettableSilence } from './openapi-shapes.js';
import { T0, silenceBody, startServer } from './test-harness.js';
import type { Harness } from './test-harness.js';

let harness: Harness;
afterEach(async () => {
  await harness?.server.stop();
});

const UNKNOWN = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('silences', () => {
  it('creates, reads, lists, updates and expires a silence', async () => {
    harness = await startServer();
    const created = await harness.post('/api/v2/silences', silenceBody({ alertname: 'DiskFull' }));
    expect(created.statusCode).toBe(200);
    const { silenceID } = created.json();
    expect(Object.keys(created.json())).toEqual(['silenceID']);

    const silence = await harness.json(`/api/v2/silence/${silenceID}`);
    expectGettableSilence(silence);
    expect(silence).toEqual({
      id: silenceID,
      status: { state: 'active' },
      updatedAt: T0,
      comment: 'maintenance',
      createdBy: 'alice',
      endsAt: '2024-06-01T01:00:00.000Z',
      matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'DiskFull' }],
      startsAt: T0,
    });

    // Extending an active silence keeps its id.
    const extended = await harness.post(
      '/api/v2/silences',
      silenceBody({ alertname: 'DiskFull' }, { id: silenceID, endsAt: '2024-06-01T02:00:00Z' }),
    );
    expect(extended.json()).toEqual({ silenceID });
    // Changing its matchers replaces it: a new id, the old one expired.
    const replaced = await harness.post(
      '/api/v2/silences',
      silenceBody({ alertname: 'DiskFull', instance: 'db-1' }, { id: silenceID }),
    );
    const newID = replaced.json().silenceID;
    expect(newID).not.toBe(silenceID);

    const listed = await harness.json('/api/v2/silences');
    for (const entry of listed) expectGettableSilence(entry);
    expect(listed.map((entry: any) => [entry.id, entry.status.state])).toEqual([
      [newID, 'active'],
      [silenceID, 'expired'],
    ]);

    await harness.clock.advance(60_000);
    const deleted = await harness.inject({ method: 'DELETE', url: `/api/v2/silence/${newID}` });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.body).toBe('');
    const expired = await harness.json(`/api/v2/silence/${newID}`);
    expect(expired.status.state).toBe('expired');
    expect(expired.endsAt).toBe('2024-06-01T00:01:00.000Z');
  });

  it('lists pending silences, and filters by matchers as Alertmanager (same name, operator, value)', async () => {
    harness = await startServer();
    await harness.post('/api/v2/silences', silenceBody({ alertname: 'A' }));
    await harness.post(
      '/api/v2/silences',
      silenceBody({ alertname: 'B', team: 'db' }, { startsAt: '2024-06-01T00:30:00Z' }),
    );
    const list = async (query = '') =>
      (await harness.json(`/api/v2/silences${query}`)).map(
        (entry: any) =>
          `${entry.matchers.map((m: any) => m.value).join(',')}:${entry.status.state}`,
      );
    expect(await list()).toEqual(['A:active', 'B,db:pending']);
    expect(await list('?filter=team%3D%22db%22')).toEqual(['B,db:pending']);
    expect(await list('?filter=team%3D~%22db%22')).toEqual([]); // other operator
    expect(await list('?filter=alertname%3D%22A%22&filter=team%3D%22db%22')).toEqual([]);
  });

  it('answers unknown ids, bad ids and double expiry as Alertmanager 0.25 does', async () => {
    harness = await startServer();
    const unknownGet = await harness.get(`/api/v2/silence/${UNKNOWN}`);
    expect(unknownGet.statusCode).toBe(404);
    expect(unknownGet.body).toBe('');
    // 0.25's openapi has no 404 for DELETE: its handler answers 500 "silence not found".
    const unknownDelete = await harness.inject({
      method: 'DELETE',
      url: `/api/v2/silence/${UNKNOWN}`,
    });
    expect(unknownDelete.statusCode).toBe(500);
    expect(unknownDelete.json()).toBe('silence not found');
    const update = await harness.post('/api/v2/silences', silenceBody({ a: 'b' }, { id: UNKNOWN }));
    expect(update.statusCode).toBe(404);
    expect(update.json()).toBe('silence not found');

    const notUuid = await harness.get('/api/v2/silence/not-a-uuid');
    expect(notUuid.statusCode).toBe(422);
    expect(notUuid.json()).toEqual({
      code: 601,
      message: 'silenceID in path must be of type uuid: "not-a-uuid"',
    });

    // Expiring an expired silence changes nothing and answers 200.
    const { silenceID } = (await harness.post('/api/v2/silences', silenceBody({ a: 'b' }))).json();
    await harness.inject({ method: 'DELETE', url: `/api/v2/silence/${silenceID}` });
    const expired = await harness.json(`/api/v2/silence/${silenceID}`);
    await harness.clock.advance(60_000);
    const again = await harness.inject({ method: 'DELETE', url: `/api/v2/silence/${silenceID}` });
    expect(again.statusCode).toBe(200);
    expect(await harness.json(`/api/v2/silence/${silenceID}`)).toEqual(expired);
  });

  it('keeps silencing alerts when notifications are flushed', async () => {
    harness = await startServer();
    await harness.post('/api/v2/silences', silenceBody({ alertname: 'DiskFull' }));
    await harness.post('/api/v2/alerts', [
      { labels: { alertname: 'DiskFull', team: 'db' } },
      { labels: { alertname: 'HighLatency', team: 'web' } },
    ]);
    await harness.clock.advance(30_000); // group_wait of the root route
    await harness.server.stop();
    expect(harness.console.text).toContain('alertname="HighLatency"');
    expect(harness.console.text).not.toContain('alertname="DiskFull"');
  });
});
