import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { initAuthCreds, proto, type WAMessage } from '@whiskeysockets/baileys';
import {
  deletePostgresAuthState,
  usePostgresAuthState,
} from '../../../../src/adapters/channels/whatsapp-baileys/auth-state.js';
import { createSentMessageStore } from '../../../../src/adapters/channels/whatsapp-baileys/message-store.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

describe('usePostgresAuthState', () => {
  it('starts with fresh credentials and keeps them across restarts', async () => {
    const first = await usePostgresAuthState(db.pool, 'restart');
    expect(first.state.creds.registered).toBe(false);
    // What pairing does to the creds, through creds.update.
    Object.assign(first.state.creds, {
      registered: true,
      me: { id: '573000000001:7@s.whatsapp.net', lid: '111122223333444:7@lid', name: 'Cobranzas' },
      routingInfo: Buffer.from([8, 8, 8, 2]),
    });
    await first.saveCreds();

    const second = await usePostgresAuthState(db.pool, 'restart');
    expect(second.state.creds).toEqual(first.state.creds);
    expect(Buffer.isBuffer(second.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(second.state.creds.noiseKey.private)).toEqual(
      Buffer.from(first.state.creds.noiseKey.private),
    );
    expect(second.state.creds.routingInfo).toEqual(Buffer.from([8, 8, 8, 2]));
    expect(second.state.creds.registered).toBe(true);
  });

  it('writes, reads back and deletes every key kind, Buffers intact', async () => {
    const { state } = await usePostgresAuthState(db.pool, 'keys');
    const preKey = initAuthCreds().signedIdentityKey;
    const session = Buffer.from('a libsignal session record');
    const appStateKey = proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.from('k'.repeat(32)),
      fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] },
      timestamp: 1767268800,
    });
    await state.keys.set({
      'pre-key': { '1': preKey, '2': initAuthCreds().signedIdentityKey },
      session: { '987654321098765_1.0': session },
      'sender-key': { 'group@g.us::lid::0': Buffer.from([1, 2, 3]) },
      'app-state-sync-key': { AAAAAA: appStateKey },
      'app-state-sync-version': {
        regular: { version: 3, hash: Buffer.alloc(128, 1), indexValueMap: {} },
      },
      'lid-mapping': {
        '5215512345678': '987654321098765',
        '987654321098765_reverse': '5215512345678',
      },
      'device-list': { '5215512345678': ['0', '12'] },
      tctoken: { '987654321098765@lid': { token: Buffer.from('tc'), timestamp: '1767268800' } },
    });

    const preKeys = await state.keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(preKeys).sort()).toEqual(['1', '2']);
    expect(Buffer.from(preKeys['1']!.private)).toEqual(Buffer.from(preKey.private));
    expect(Buffer.from(preKeys['1']!.public)).toEqual(Buffer.from(preKey.public));
    expect(Buffer.isBuffer(preKeys['1']!.public)).toBe(true);

    const sessions = await state.keys.get('session', ['987654321098765_1.0']);
    expect(sessions['987654321098765_1.0']).toEqual(session);

    const appKeys = await state.keys.get('app-state-sync-key', ['AAAAAA']);
    expect(appKeys['AAAAAA']).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(appKeys['AAAAAA']!.keyData!)).toEqual(Buffer.from('k'.repeat(32)));
    expect(appKeys['AAAAAA']!.fingerprint?.deviceIndexes).toEqual([0, 1]);

    const versions = await state.keys.get('app-state-sync-version', ['regular']);
    expect(versions['regular']?.hash).toEqual(Buffer.alloc(128, 1));

    expect(
      await state.keys.get('lid-mapping', ['5215512345678', '987654321098765_reverse']),
    ).toEqual({
      '5215512345678': '987654321098765',
      '987654321098765_reverse': '5215512345678',
    });
    expect(await state.keys.get('device-list', ['5215512345678'])).toEqual({
      '5215512345678': ['0', '12'],
    });
    expect(
      (await state.keys.get('tctoken', ['987654321098765@lid']))['987654321098765@lid'],
    ).toEqual({
      token: Buffer.from('tc'),
      timestamp: '1767268800',
    });

    // A null value deletes; upserts and deletes of one call land together.
    await state.keys.set({
      'pre-key': { '1': null, '2': preKey },
      session: { '987654321098765_1.0': null },
    });
    const after = await state.keys.get('pre-key', ['1', '2']);
    expect(Object.keys(after)).toEqual(['2']);
    expect(Buffer.from(after['2']!.public)).toEqual(Buffer.from(preKey.public));
    expect(await state.keys.get('session', ['987654321098765_1.0'])).toEqual({});

    // A fresh instance (a restart) sees the same keys.
    const restarted = await usePostgresAuthState(db.pool, 'keys');
    expect(Object.keys(await restarted.state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
  });

  it('rolls back a key write that fails part-way', async () => {
    const { state } = await usePostgresAuthState(db.pool, 'atomic');
    await expect(
      state.keys.set({
        session: { a: Buffer.from('ok') },
        // jsonb rejects a NUL character: the whole call must fail and write nothing.
        'lid-mapping': { b: 'bad\u0000value' },
      }),
    ).rejects.toThrow();
    expect(await state.keys.get('session', ['a'])).toEqual({});
  });

  it('keeps sessions apart and deletes one whole', async () => {
    const a = await usePostgresAuthState(db.pool, 'one');
    const b = await usePostgresAuthState(db.pool, 'two');
    await a.saveCreds();
    await b.saveCreds();
    await a.state.keys.set({ session: { x: Buffer.from('a') } });
    await b.state.keys.set({ session: { x: Buffer.from('b') } });
    expect((await b.state.keys.get('session', ['x']))['x']).toEqual(Buffer.from('b'));

    await deletePostgresAuthState(db.pool, 'one');
    const again = await usePostgresAuthState(db.pool, 'one');
    expect(again.state.creds.registered).toBe(false);
    expect(again.state.creds.noiseKey).not.toEqual(a.state.creds.noiseKey);
    expect(await again.state.keys.get('session', ['x'])).toEqual({});
    expect((await b.state.keys.get('session', ['x']))['x']).toEqual(Buffer.from('b'));
  });
});

describe('createSentMessageStore', () => {
  it('returns a sent message for a re-send request and prunes old ones', async () => {
    const store = createSentMessageStore(db.pool, 'messages');
    const sent: WAMessage = {
      key: { remoteJid: '987654321098765@lid', fromMe: true, id: '3EB0FFFF000000000001' },
      message: proto.Message.fromObject({ extendedTextMessage: { text: 'Tu saldo es $120.000' } }),
    };
    await store.save(sent);
    const found = await store.get({
      remoteJid: '5215512345678@s.whatsapp.net',
      id: '3EB0FFFF000000000001',
    });
    expect(found).toBeInstanceOf(proto.Message);
    expect(found?.extendedTextMessage?.text).toBe('Tu saldo es $120.000');
    expect(await store.get({ id: 'unknown' })).toBeUndefined();

    expect(await store.prune(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await store.get(sent.key)).toBeUndefined();
  });
});
