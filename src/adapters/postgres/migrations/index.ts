import { sql as initial } from './0001-initial.js';
import { sql as apiIndexes } from './0002-api-indexes.js';
import { sql as conversationRecords } from './0003-conversation-records.js';
import { sql as channels } from './0004-channels.js';
import { sql as baileysAuth } from './0005-baileys-auth.js';
import { sql as payments } from './0006-payments.js';
import { sql as contactPolicy } from './0007-contact-policy.js';
import { sql as llmUsage } from './0008-llm-usage.js';
import { sql as campaigns } from './0009-campaigns.js';
import { sql as droppedIndexes } from './0010-dropped-indexes.js';
import { sql as contactPointHashLookup } from './0011-contact-point-hash-lookup.js';
import { sql as liftedForeignKeys } from './0012-lifted-foreign-keys.js';

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
  { id: 6, name: 'payments', sql: payments },
  { id: 7, name: 'contact-policy', sql: contactPolicy },
  { id: 8, name: 'llm-usage', sql: llmUsage },
  { id: 9, name: 'campaigns', sql: campaigns },
  { id: 10, name: 'dropped-indexes', sql: droppedIndexes },
  { id: 11, name: 'contact-point-hash-lookup', sql: contactPointHashLookup },
  { id: 12, name: 'lifted-foreign-keys', sql: liftedForeignKeys },
];
