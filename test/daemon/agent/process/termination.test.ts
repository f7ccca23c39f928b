import {
  commandNotRunReason,
  decodeShellStatus,
  describeTermination,
  formatBytes,
  parseStatusFile,
  type TerminationFacts,
} from '@mesolite/daemon/agent/process/termination';
import { describe, expect, it } from 'vitest';

const NOTHING: TerminationFacts = {
  record: undefined,
  wait: undefined,
  sentSignal: undefined,
  memory: undefined,
  stderrTail: '',
};

describe('parseStatusFile', () => {
  it('reads a complete status line', () => {
    expect(parseStatusFile('137\n')).toEqual({ kind: 'status', status: 137 });
  });

  it('ignores a line the wrapper did not finish writing', () => {
    expect(parseStatusFile('13')).toBeUndefined();
    expect(parseStatusFile('')).toBeUndefined();
  });

  it('reads a launch failure', () => {
    expect(parseStatusFile('launch-failed could not join the cgroup (/x)\n')).toEqual({
      kind: 'launch-failed',
      reason: 'could not join the cgroup (/x)',
    });
  });
});

describe('decodeShellStatus', () => {
  it('reads statuses up to 128 as exit codes', () => {
    expect(decodeShellStatus(0)).toEqual({ exitCode: 0 });
    expect(decodeShellStatus(128)).toEqual({ exitCode: 128 });
  });

  it('reads 128 + N as death by signal N, as shells report it', () => {
    expect(decodeShellStatus(137)).toEqual({ signal: 'SIGKILL' });
    expect(decodeShellStatus(143)).toEqual({ signal: 'SIGTERM' });
  });

  it('reads a status past the last signal as an exit code', () => {
    expect(decodeShellStatus(255)).toEqual({ exitCode: 255 });
  });
});

describe('commandNotRunReason', () => {
  it.each([
    ['sh: 1: python: not found', 'python: not found'],
    ['/bin/sh: 1: python: not found', 'python: not found'],
    ['mesolite-executor: 1: exec: python: not found', 'python: not found'],
    ['bash: line 1: ./run.sh: No such file or directory', './run.sh: No such file or directory'],
    ['bash: /opt/x: No such file or directory', '/opt/x: No such file or directory'],
    ['sh: 1: ./notes.txt: Permission denied', './notes.txt: Permission denied'],
    ['python: not found', 'python: not found'],
  ])('takes %j as %j', (line, reason) => {
    expect(commandNotRunReason(`some output\n${line}\n`)).toBe(reason);
  });

  it('takes the last such line of stderr', () => {
    const tail = 'sh: 1: first: not found\nnoise\nsh: 1: second: not found\nmore noise\n';
    expect(commandNotRunReason(tail)).toBe('second: not found');
  });

  it('keeps the program name of a program that reports a missing file itself', () => {
    const line = "python3: can't open file '/s/app.py': [Errno 2] No such file or directory";
    expect(commandNotRunReason(line)).toBe(line);
  });

  it('finds nothing in stderr without such a line', () => {
    expect(commandNotRunReason('Traceback...\nValueError: boom\n')).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('raises the unit only when no information is lost, as Mesos prints bytes', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(1000)).toBe('1000B');
    expect(formatBytes(52_428_800)).toBe('50MB');
    expect(formatBytes(52_428_800 + 4096)).toBe('51204KB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2GB');
  });
});

describe('describeTermination', () => {
  it('prefers the status file to the wrapper wait status', () => {
    expect(
      describeTermination({
        ...NOTHING,
        record: { kind: 'status', status: 2 },
        wait: { code: 0, signal: null },
      }),
    ).toEqual({ exitCode: 2, message: 'Command exited with status 2' });
  });

  it('reports the wrapper signal when it died before writing the status', () => {
    expect(describeTermination({ ...NOTHING, wait: { code: null, signal: 'SIGKILL' } })).toEqual({
      signal: 'SIGKILL',
      message: 'Command terminated with signal SIGKILL',
    });
  });

  it('reports a SIGKILL the agent sent when nobody saw the wrapper end', () => {
    expect(describeTermination({ ...NOTHING, sentSignal: 'SIGKILL' }).signal).toBe('SIGKILL');
  });

  it('reports an executor termination when nothing is known', () => {
    expect(describeTermination(NOTHING).reason).toBe('REASON_EXECUTOR_TERMINATED');
  });

  it('reports a launch failure the wrapper recorded', () => {
    expect(
      describeTermination({ ...NOTHING, record: { kind: 'launch-failed', reason: 'no cgroup' } }),
    ).toEqual({
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      message: 'Failed to launch container: no cgroup',
    });
  });

  it('reports a memory limitation over the signal it caused', () => {
    const ended = describeTermination({
      ...NOTHING,
      record: { kind: 'status', status: 137 },
      memory: { limitBytes: 64 * 1024 * 1024, maxUsedBytes: 64 * 1024 * 1024, stat: 'rss 1\n' },
    });
    expect(ended).toEqual({
      signal: 'SIGKILL',
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message:
        'Memory limit exceeded: Requested: 64MB Maximum Used: 64MB\n\nMEMORY STATISTICS: \nrss 1',
    });
  });

  it('keeps the exit status message for 127 without a not-found line', () => {
    expect(
      describeTermination({
        ...NOTHING,
        record: { kind: 'status', status: 127 },
        stderrTail: 'x\n',
      }).message,
    ).toBe('Command exited with status 127');
  });
});
