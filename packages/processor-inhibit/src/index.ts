export { createInhibitor, inhibitorOptionsSchema } from './inhibitor.js';
export type { Inhibitor, InhibitorOptions } from './inhibitor.js';
export { inhibitRuleFromConfig, inhibitRulesFromConfig, isInhibitRule } from './inhibit-rule.js';
export type { InhibitRule, InhibitRuleConfig } from './inhibit-rule.js';
