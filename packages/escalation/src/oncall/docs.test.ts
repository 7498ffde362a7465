// Runs the ```ts test examples of docs/oncall.md and of the README's "On-call" section as modules
// of this package, against the sources, so they cannot rot. (docs/docs.test.ts runs the page again
// against the built packages.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeDocSnippets } from '@phoenix-alerting/core/testing';
import { parseConfig } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { onCallConfigSchema } from './config.js';
import { createOnCallSchedule } from './schedule.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const page = fileURLToPath(new URL('../../../../docs/oncall.md', import.meta.url));
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));

describeDocSnippets(page, packageDir, { describe, it, expect });

describeDocSnippets(readme, packageDir, { describe, it, expect }, { section: 'On-call' });

describe('docs/oncall.md configuration', () => {
  it('documents a YAML configuration that validates and compiles', () => {
    const text = readFileSync(page, 'utf8');
    const yaml = /## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(yaml).toBeDefined();
    const config = parseConfig(yaml!, { schema: onCallConfigSchema, file: 'docs/oncall.md' });
    const schedule = createOnCallSchedule(config);
    expect(schedule.rotations).toEqual(['primary_oncall', 'secondary_oncall']);
    // dave leaves on 2026-06-01 and frank joins on 2026-04-01, as the comments say.
    const names = (from: string, to: string) =>
      schedule
        .shifts('primary_oncall', Date.parse(from), Date.parse(to))
        .map((shift) => shift.person.name);
    expect(names('2026-01-01T00:00:00Z', '2026-04-01T05:00:00Z')).not.toContain('frank');
    expect(names('2026-04-01T05:00:00Z', '2026-05-01T00:00:00Z')).toContain('frank');
    expect(names('2026-06-01T05:00:00Z', '2026-12-01T00:00:00Z')).not.toContain('dave');
  });
});
