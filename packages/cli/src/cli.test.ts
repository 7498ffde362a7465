import { describe, expect, it } from 'vitest';
import { run } from './cli.js';
import { helpTexts } from './help.js';
import { captureIo } from './test-support/capture-io.js';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).pathname;

async function cli(...argv: string[]) {
  const io = captureIo();
  const exitCode = await run(argv, io);
  return { exitCode, stdout: io.out, stderr: io.err };
}

describe('phoenix-alerting', () => {
  it('prints help for the program and for each command', async () => {
    expect(await cli('--help')).toEqual({ exitCode: 0, stdout: helpTexts.main, stderr: '' });
    expect((await cli('help', 'routes', 'test')).stdout).toBe(helpTexts['routes test']);
    expect((await cli('check-config', '--help')).stdout).toBe(helpTexts['check-config']);
    expect((await cli('routes', '--help')).stdout).toBe(helpTexts.routes);
    expect((await cli('routes', 'show', '-h')).stdout).toBe(helpTexts['routes show']);
    expect((await cli('routes', 'test', '--help')).stdout).toBe(helpTexts['routes test']);
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    expect(await cli()).toEqual({ exitCode: 2, stdout: '', stderr: helpTexts.main });
  });

  it('prints its version', async () => {
    const { exitCode, stdout } = await cli('--version');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^phoenix-alerting \d+\.\d+\.\d+/);
  });

  it('exits 2 with a pointer to --help on a wrong command line', async () => {
    expect(await cli('frobnicate')).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        'phoenix-alerting: error: unknown command "frobnicate"\n' +
        "Run 'phoenix-alerting --help' for usage.\n",
    });
    expect(await cli('routes', 'test', 'severity=critical')).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        'phoenix-alerting: error: --config FILE is required\n' +
        "Run 'phoenix-alerting routes test --help' for usage.\n",
    });
    const unknown = await cli('routes', 'test', '--config', 'x.yml', '--colour');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^phoenix-alerting: error: Unknown option '--colour'\n/);
    expect((await cli('check-config')).exitCode).toBe(2);
    expect((await cli('routes', 'list')).exitCode).toBe(2);
    expect((await cli('routes', 'show', '--config', 'a.yml', 'extra')).exitCode).toBe(2);
  });

  it('takes amtool’s --config.file, and routes alone means routes show', async () => {
    const amtoolStyle = await cli('routes', `--config.file=${fixture('spec-routing.yml')}`);
    const ours = await cli('routes', 'show', '-c', fixture('spec-routing.yml'));
    expect(amtoolStyle).toEqual(ours);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout).toMatch(/^Routing tree:\n/);
  });
});
