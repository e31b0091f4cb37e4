/** Where commands print: stdout for results, stderr for diagnostics. Injectable for tests. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /**
   * Shows a progress line in place (a terminal); absent when output goes to a pipe or a file,
   * where commands print plain lines instead. `progress('')` clears the line.
   */
  readonly progress?: ((line: string) => void) | undefined;
}

/** The process's own stdout and stderr; progress rewrites one line when stdout is a terminal. */
export const processOutput: CliOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  progress: process.stdout.isTTY === true ? (line) => void process.stdout.write(`\r\x1b[2K${line}`) : undefined,
};
