export { run } from './cli.js';
export { checkConfig } from './check-config.js';
export type { CheckConfigOptions } from './check-config.js';
export { routesTest, routesShow } from './routes.js';
export type { RoutesTestOptions, RoutesShowOptions } from './routes.js';
export { parseLabelArguments } from './parse-labels.js';
export type { CommandIo, ExitCode } from './io.js';
