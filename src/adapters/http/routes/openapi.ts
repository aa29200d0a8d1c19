import { Router } from 'express';

/** Serves /api/v1/openapi.json (being written). */
export function openApiRouter(): Router {
  return Router();
}
