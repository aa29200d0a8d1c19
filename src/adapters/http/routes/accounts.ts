import { Router } from 'express';
import type { HttpDeps } from '../app.js';

/** Accounts and debtors API (being written). */
export function accountsRouter(_deps: HttpDeps): Router {
  return Router();
}
