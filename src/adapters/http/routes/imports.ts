import { Router } from 'express';
import type { HttpDeps } from '../app.js';

/** Portfolio import API (being written). */
export function importsRouter(_deps: HttpDeps): Router {
  return Router();
}
