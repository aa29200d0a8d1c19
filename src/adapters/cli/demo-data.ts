import type { Command } from 'commander';

/** Registers the `demo-data` command (being written). */
export function registerDemoData(_program: Command): void {}
