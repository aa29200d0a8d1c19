/**
 * The operator's pairing page for the Baileys session, behind the API key: the session status,
 * the latest QR (JSON with a PNG data URL, or the image itself with ?format=png|svg) or the
 * pairing code, and a way to pair again after a logout.
 */
import { Router, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import type { BaileysConnection } from './connection.js';

export interface BaileysQrRouterOptions {
  readonly connection: Pick<BaileysConnection, 'status' | 'pairAgain'>;
  /** The API key middleware (requireApiKey); every route here is behind it. */
  readonly requireApiKey: RequestHandler;
}

/** `GET /admin/whatsapp-baileys/qr` and `POST /admin/whatsapp-baileys/pair`. */
export function createBaileysQrRouter(options: BaileysQrRouterOptions): Router {
  const router = Router();
  const { connection, requireApiKey } = options;

  router.get('/admin/whatsapp-baileys/qr', requireApiKey, async (req, res) => {
    const status = connection.status();
    res.set('Cache-Control', 'no-store');
    const format = typeof req.query['format'] === 'string' ? req.query['format'] : 'json';
    if (format === 'png' || format === 'svg') {
      if (status.qr === undefined) {
        res.status(404).json({ state: status.state, detail: status.detail });
        return;
      }
      if (format === 'png') {
        res.type('image/png').send(await QRCode.toBuffer(status.qr, { type: 'png', margin: 2 }));
      } else {
        res
          .type('image/svg+xml')
          .send(await QRCode.toString(status.qr, { type: 'svg', margin: 2 }));
      }
      return;
    }
    res.json({
      state: status.state,
      detail: status.detail,
      since: status.since.toISOString(),
      qr: status.qr === undefined ? null : await QRCode.toDataURL(status.qr, { margin: 2 }),
      pairingCode: status.pairingCode ?? null,
    });
  });

  router.post('/admin/whatsapp-baileys/pair', requireApiKey, async (_req, res) => {
    await connection.pairAgain();
    const status = connection.status();
    res.status(202).json({ state: status.state, detail: status.detail });
  });

  return router;
}
