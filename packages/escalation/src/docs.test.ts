// Runs the ```ts test examples of docs/escalation.md and of the README's "Escalation" section as
// modules of this package, against the sources, so they cannot rot. (docs/docs.test.ts runs the
// page again against the built packages.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeDocSnippets } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { loadEscalationConfig } from './config.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const page = fileURLToPath(new URL('../../../docs/escalation.md', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));

describeDocSnippets(page, packageDir, { describe, it, expect });

describeDocSnippets(readme, packageDir, { describe, it, expect }, { section: 'Escalation' });

describe('docs/escalation.md configuration', () => {
  it('documents a YAML configuration that validates, given the on-call sections it names', () => {
    const text = readFileSync(page, 'utf8');
    const yaml = /## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(yaml).toBeDefined();
    const rotation = `{ shift_length_hours: 12, handoff_time: "08:00", timezone: America/Chicago, members: [{ team: platform }] }`;
    const config = loadEscalationConfig({
      file: 'docs/escalation.md',
      text:
        `${yaml!}\nteams:\n  platform: { members: [{ name: alice }] }\n` +
        `  engineering_managers: { members: [{ name: dana }] }\n` +
        `oncall_rotations:\n  primary_oncall: ${rotation}\n  secondary_oncall: ${rotation}\n`,
    });
    expect([...config.policies.keys()]).toEqual(['critical', 'database']);
    expect(config.policies.get('database')!.repeat).toBe(2);
    expect(config.defaultSeverity).toBe('warning');
  });
});
