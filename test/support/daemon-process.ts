import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../..');
export const connectdBin = join(repoRoot, 'packages/core/bin/connectd.js');
export const bundledConfig = join(repoRoot, 'connectors.yaml');
/** How long a daemon may take to say it is running: a bound for a loaded CI machine, not an expectation. */
export const DAEMON_START_TIMEOUT_MS = 60_000;

/** A `connectd` child process with its combined output captured. */
export interface DaemonProcess {
  readonly child: ChildProcess;
  /** Base URL once the daemon said it is running. */
  readonly url: string;
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A fresh data folder for the embedded store. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'connectd-test-'));
}

/** Env for a child: the parent's PATH and HOME only, so the developer's variables never leak in. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** Runs `connectd <args>` to completion. */
export function runCli(args: string[], env: Record<string, string>, cwd = repoRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [connectdBin, ...args], { cwd, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `connectd run` on a free port (PORT=0) and waits for its "connectd is running" log line.
 */
export function startDaemonProcess(options: { env?: Record<string, string>; config?: string; timeoutMs?: number } = {}): Promise<DaemonProcess> {
  const env = childEnv({ PORT: '0', HOST: '127.0.0.1', CONNECTD_DATA_DIR: tempDataDir(), ...options.env });
  const child = spawn(process.execPath, [connectdBin, 'run', '--config', options.config ?? bundledConfig], { cwd: repoRoot, env });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`daemon did not start within ${options.timeoutMs ?? DAEMON_START_TIMEOUT_MS} ms:\n${output}`));
    }, options.timeoutMs ?? DAEMON_START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"connectd is running"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before starting:\n${output}`));
    });
  });
}
