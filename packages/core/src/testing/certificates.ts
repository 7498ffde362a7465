// Self-signed certificates for tests that run HTTPS or SMTP servers on 127.0.0.1, made with the
// openssl CLI at test time (node:crypto cannot issue X.509 certificates).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM text and as files. */
export interface SelfSignedCertificate {
  /** PEM private key (EC P-256). */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** Path of the PEM certificate, e.g. for `tls_config.ca_file`. */
  certFile: string;
  /** Path of the PEM key, e.g. for `tls_config.key_file`. */
  keyFile: string;
}

export interface SelfSignedCertificateOptions {
  /** Subject common name. Default `localhost`. */
  commonName?: string;
  /** Subject alternative names. Default `['DNS:localhost', 'IP:127.0.0.1']`. */
  altNames?: readonly string[];
  /** Validity in days from now. Default 2. */
  days?: number;
}

/**
 * Makes a fresh self-signed certificate (by default for `localhost` and `127.0.0.1`, valid for
 * two days) in a new temporary directory. Needs the `openssl` command.
 */
export function createSelfSignedCertificate(
  options: SelfSignedCertificateOptions = {},
): SelfSignedCertificate {
  const commonName = options.commonName ?? 'localhost';
  const altNames = options.altNames ?? ['DNS:localhost', 'IP:127.0.0.1'];
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      String(options.days ?? 2),
      '-subj',
      `/CN=${commonName}`,
      ...(altNames.length > 0 ? ['-addext', `subjectAltName=${altNames.join(',')}`] : []),
    ],
    { stdio: 'pipe' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    keyFile,
  };
}
