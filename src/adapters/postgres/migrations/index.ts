import { sql as initial } from './0001-initial.js';
import { sql as apiIndexes } from './0002-api-indexes.js';
import { sql as conversationRecords } from './0003-conversation-records.js';
import { sql as channels } from './0004-channels.js';
import { sql as baileysAuth } from './0005-baileys-auth.js';

/** Versioned migrations in order. Append; never edit one that has shipped. */
export const migrations: readonly {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}[] = [
  { id: 1, name: 'initial', sql: initial },
  { id: 2, name: 'api-indexes', sql: apiIndexes },
  { id: 3, name: 'conversation-records', sql: conversationRecords },
  { id: 4, name: 'channels', sql: channels },
  { id: 5, name: 'baileys-auth', sql: baileysAuth },
];
