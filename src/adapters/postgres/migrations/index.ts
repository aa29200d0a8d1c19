import { sql as initial } from './0001-initial.js';

/** Versioned migrations in order. Append; never edit one that has shipped. */
export const migrations: readonly { readonly id: number; readonly name: string; readonly sql: string }[] = [
  { id: 1, name: 'initial', sql: initial },
];
