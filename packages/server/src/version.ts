import packageJson from '../package.json' with { type: 'json' };

/** This package's version. */
export const VERSION: string = packageJson.version;

/**
 * The Alertmanager release whose API this server implements. `GET /api/v2/status` reports it as
 * `versionInfo.version` (and `alertmanager_build_info` as `version`), so that `amtool` and other
 * clients that compare versions treat the server as that release; Phoenix's own version is in
 * `revision` (`phoenix-alerting@<version>`).
 */
export const ALERTMANAGER_VERSION = '0.25.0';

/** `versionInfo.revision` and the `revision` label: which Phoenix build this is. */
export const REVISION = `phoenix-alerting@${VERSION}`;
