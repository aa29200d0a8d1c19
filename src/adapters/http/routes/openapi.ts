import { Router } from 'express';
import { buildOpenApiDocument, registry, z } from '../openapi.js';

registry.registerPath({
  method: 'get',
  path: '/api/v1/openapi.json',
  tags: ['meta'],
  summary: 'This document',
  security: [],
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document of the API.',
      content: { 'application/json': { schema: z.looseObject({}) } },
    },
  },
});

/**
 * Serves `GET /api/v1/openapi.json`, public (mount it before the API-key guard). The document is
 * built on first request and rebuilt only when something registered since.
 */
export function openApiRouter(): Router {
  const router = Router();
  let cached: { definitions: number; body: string } | undefined;
  router.get('/openapi.json', (_req, res) => {
    if (cached?.definitions !== registry.definitions.length) {
      cached = {
        definitions: registry.definitions.length,
        body: JSON.stringify(buildOpenApiDocument()),
      };
    }
    res.type('application/json').send(cached.body);
  });
  return router;
}
