import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { canonicalHeader, emailConfigSchema, emailConfigSchemaWith } from './email-config.js';
import { createEmailNotifier } from './email-notifier.js';

function issuesOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (ConfigError.isInstance(error))
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('no error');
}

describe('email_configs', () => {
  it("fills in Alertmanager 0.25's defaults", () => {
    expect(
      emailConfigSchema.parse({
        to: 'a@example.com',
        from: 'b@example.com',
        smarthost: 'smtp.example.com:587',
      }),
    ).toEqual({
      send_resolved: false,
      to: 'a@example.com',
      from: 'b@example.com',
      hello: 'localhost',
      smarthost: { host: 'smtp.example.com', port: 587 },
      headers: {
        Subject: '{{ template "email.default.subject" . }}',
        To: 'a@example.com',
        From: 'b@example.com',
      },
      html: '{{ template "email.default.html" . }}',
      text: '',
      require_tls: true,
      tls_config: { insecure_skip_verify: false },
      timeout: 30_000,
    });
  });

  it('takes the global smtp_* settings for what the entry leaves out', () => {
    const schema = emailConfigSchemaWith({
      smtp_smarthost: '[::1]:25',
      smtp_from: 'global@example.com',
      smtp_hello: 'am.example.com',
      smtp_auth_username: 'user',
      smtp_auth_password_file: '/run/secrets/smtp',
      smtp_auth_identity: 'id',
      smtp_require_tls: false,
    });
    expect(schema.parse({ to: 'a@example.com', auth_secret: 'entry-secret' })).toMatchObject({
      smarthost: { host: '::1', port: 25 },
      from: 'global@example.com',
      hello: 'am.example.com',
      auth_username: 'user',
      auth_password_file: '/run/secrets/smtp',
      auth_secret: 'entry-secret',
      auth_identity: 'id',
      require_tls: false,
    });
    // An entry's own password wins over the global password file.
    expect(schema.parse({ to: 'a@example.com', auth_password: 'mine' })).not.toHaveProperty(
      'auth_password_file',
    );
  });

  it('canonicalises header names as Go strings.Title, and refuses duplicates', () => {
    expect(canonicalHeader('reply-to')).toBe('Reply-To');
    expect(canonicalHeader('x-my_header')).toBe('X-My_header');
    const config = emailConfigSchema.parse({
      to: 'a@example.com',
      from: 'b@example.com',
      smarthost: 'h:25',
      headers: { subject: 'mine', 'x-team': 'db' },
    });
    expect(config.headers).toEqual({
      Subject: 'mine',
      'X-Team': 'db',
      To: 'a@example.com',
      From: 'b@example.com',
    });
    expect(
      issuesOf(() =>
        createEmailNotifier({
          to: 'a@example.com',
          from: 'b@example.com',
          smarthost: 'h:25',
          headers: { subject: 'x', Subject: 'y' },
        }),
      ),
    ).toEqual(['headers: duplicate header "Subject" in email config']);
  });

  it("reports Alertmanager's errors, every one, without the password", () => {
    const issues = issuesOf(() =>
      createEmailNotifier({
        auth_password: 's3cret-pass',
        auth_password_file: '/x',
        smarthost: 'no-port',
      }),
    );
    expect(issues).toEqual([
      'to: missing to address in email config',
      'smarthost: address no-port: missing port in address',
      'from: no global mail from address set',
      ': at most one of auth_password & auth_password_file must be configured',
    ]);
    expect(
      issuesOf(() => createEmailNotifier({ to: 'a@example.com', from: 'b@example.com' })),
    ).toEqual(['smarthost: no global SMTP smarthost set']);
    expect(
      issuesOf(() =>
        createEmailNotifier({ to: 'a', from: 'b', smarthost: 'h:25', bogus: 1 } as never),
      ),
    ).toEqual([': unknown field "bogus"']);
    expect(
      issuesOf(() =>
        createEmailNotifier({
          to: 'a',
          from: 'b',
          smarthost: 'h:25',
          tls_config: { ca_file: '/nonexistent/ca.pem' },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^tls_config\.ca_file: unable to read \/nonexistent\/ca\.pem/),
    ]);
  });
});
