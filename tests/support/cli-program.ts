import { jest } from '@jest/globals';
import { Command } from 'commander';

export interface ProgramRun {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
}

/**
 * Runs `cuota <args>` in process, with only the commands `register` adds, capturing what they
 * write and the exit code they set (a thrown error counts as exit code 1 and lands in `err`).
 */
export async function runProgram(
  register: (program: Command) => void,
  args: readonly string[],
): Promise<ProgramRun> {
  const program = new Command('cuota').exitOverride();
  register(program);
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'cuota', ...args]);
  } catch (error) {
    err += String(error);
    process.exitCode ??= 1;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, exitCode };
}
