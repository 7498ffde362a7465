// Alertmanager configuration files shared by the suite and the benchmark. The same file is given
// to Alertmanager and to Phoenix: it uses only Alertmanager 0.25's sections.

/**
 * One webhook receiver behind a single route.
 * @param {{ webhookUrl: string, receiver?: string, groupBy?: string[], groupWait?: string,
 *   groupInterval?: string, repeatInterval?: string }} options
 */
export function webhookConfig(options) {
  const groupBy = (options.groupBy ?? ['alertname']).map((label) => JSON.stringify(label));
  const receiver = options.receiver ?? 'webhook';
  return [
    'route:',
    `  receiver: ${receiver}`,
    `  group_by: [${groupBy.join(', ')}]`,
    `  group_wait: ${options.groupWait ?? '1s'}`,
    `  group_interval: ${options.groupInterval ?? '2s'}`,
    `  repeat_interval: ${options.repeatInterval ?? '1h'}`,
    'receivers:',
    `  - name: ${receiver}`,
    '    webhook_configs:',
    `      - url: ${JSON.stringify(options.webhookUrl)}`,
    '        send_resolved: true',
    '',
  ].join('\n');
}
