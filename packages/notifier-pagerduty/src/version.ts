import packageJson from '../package.json' with { type: 'json' };

/** This package's version. */
export const VERSION: string = packageJson.version;

/** Sent with every request, as Alertmanager sends `Alertmanager/<version>`. */
export const USER_AGENT = `Phoenix-Alerting/${VERSION}`;
