import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import pino from 'pino';
import type {
  BaileysConnection,
  BaileysStatus,
} from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';
import { createBaileysQrRouter } from '../../../../src/adapters/channels/whatsapp-baileys/qr-route.js';
import { requireApiKey } from '../../../../src/adapters/http/auth.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';

const apiKey = 'test-api-key-0123456789';
let status: BaileysStatus;
let pairAgainCalls = 0;
let server: Server;
let base: string;

const connection: Pick<BaileysConnection, 'status' | 'pairAgain'> = {
  status: () => status,
  pairAgain: () => {
    pairAgainCalls += 1;
    status = { state: 'connecting', detail: 'connecting', since: new Date() };
    return Promise.resolve();
  },
};

beforeAll(async () => {
  const app = express();
  app.use(createBaileysQrRouter({ connection, requireApiKey: requireApiKey(apiKey) }));
  app.use(errorHandler(pino({ level: 'silent' })));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const auth = { authorization: `Bearer ${apiKey}` };

describe('GET /admin/whatsapp-baileys/qr', () => {
  it('requires the API key', async () => {
    status = { state: 'awaiting_pairing', detail: 'scan', since: new Date(), qr: '2@abc' };
    const res = await fetch(`${base}/admin/whatsapp-baileys/qr`);
    expect(res.status).toBe(401);
    const png = await fetch(`${base}/admin/whatsapp-baileys/qr?format=png`, {
      headers: { 'x-api-key': 'wrong-key-0123456789' },
    });
    expect(png.status).toBe(401);
  });

  it('returns the latest QR as a PNG data URL, or the image itself', async () => {
    status = {
      state: 'awaiting_pairing',
      detail: 'scan the QR code',
      since: new Date(),
      qr: '2@abc,def,1',
    };
    const res = await fetch(`${base}/admin/whatsapp-baileys/qr`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      state: 'awaiting_pairing',
      detail: 'scan the QR code',
      pairingCode: null,
    });
    expect(body['qr']).toMatch(/^data:image\/png;base64,/);

    const png = await fetch(`${base}/admin/whatsapp-baileys/qr?format=png`, { headers: auth });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const svg = await fetch(`${base}/admin/whatsapp-baileys/qr?format=svg`, { headers: auth });
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg/);
  });

  it('says plainly when the device was logged out', async () => {
    status = { state: 'logged_out', detail: 'logged_out — pair again', since: new Date() };
    const res = await fetch(`${base}/admin/whatsapp-baileys/qr`, { headers: auth });
    expect(await res.json()).toMatchObject({
      state: 'logged_out',
      detail: 'logged_out — pair again',
      qr: null,
    });
    const png = await fetch(`${base}/admin/whatsapp-baileys/qr?format=png`, { headers: auth });
    expect(png.status).toBe(404);

    const pair = await fetch(`${base}/admin/whatsapp-baileys/pair`, {
      method: 'POST',
      headers: auth,
    });
    expect(pair.status).toBe(202);
    expect(pairAgainCalls).toBe(1);
    expect(await pair.json()).toEqual({ state: 'connecting', detail: 'connecting' });
  });

  it('shows the pairing code when pairing by code', async () => {
    status = {
      state: 'awaiting_pairing',
      detail: 'enter the code',
      since: new Date(),
      pairingCode: 'ABCD1234',
    };
    const res = await fetch(`${base}/admin/whatsapp-baileys/qr`, { headers: auth });
    expect(await res.json()).toMatchObject({ pairingCode: 'ABCD1234', qr: null });
  });
});
