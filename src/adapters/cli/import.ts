import type { Command } from 'commander';

/** Registers the `import` command (being written). */
export function registerImport(_program: Command): void {}
