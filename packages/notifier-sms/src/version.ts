import packageJson from '../package.json' with { type: 'json' };

/** This package's version. */
export const VERSION: string = packageJson.version;

/** Added to the twilio SDK's User-Agent. */
export const USER_AGENT = `Phoenix-Alerting/${VERSION}`;
