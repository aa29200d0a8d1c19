import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { buildOpenApiDocument, moneyJson } from '../../../src/adapters/http/openapi.js';
import '../../../src/adapters/http/routes/accounts.js';
import '../../../src/adapters/http/routes/debtors.js';
import { openApiRouter } from '../../../src/adapters/http/routes/openapi.js';
import { money, toCurrencyCode } from '../../../src/domain/money.js';

type Doc = ReturnType<typeof buildOpenApiDocument>;

let server: Server;
let served: Doc;

beforeAll(async () => {
  const app = express();
  app.use('/api/v1', openApiRouter());
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const response = await fetch(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/openapi.json`,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  served = JSON.parse(await response.text()) as Doc;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 JSON titled cuota, the same as built in process', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    expect(served.openapi).toBe('3.1.0');
    expect(served.info).toMatchObject({
      title: 'cuota',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
  });

  it('declares the API key schemes, Bearer and X-API-Key, and requires them on the API', () => {
    expect(served.components?.securitySchemes).toEqual({
      bearerApiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      headerApiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    expect(served.paths?.['/api/v1/accounts']?.get?.security).toEqual([
      { bearerApiKey: [] },
      { headerApiKey: [] },
    ]);
    expect(served.paths?.['/api/v1/openapi.json']?.get?.security).toEqual([]);
  });

  it('documents the account and debtor paths, their parameters and responses', () => {
    expect(Object.keys(served.paths ?? {})).toEqual(
      expect.arrayContaining([
        '/api/v1/accounts',
        '/api/v1/accounts/{ref}',
        '/api/v1/debtors',
        '/api/v1/debtors/{ref}',
        '/api/v1/openapi.json',
      ]),
    );
    const list = served.paths?.['/api/v1/accounts']?.get;
    const params = (list?.parameters ?? []) as {
      name: string;
      in: string;
      schema?: { type?: string };
    }[];
    expect(params.map((p) => p.name).sort()).toEqual(
      [
        'agingBucket',
        'country',
        'currency',
        'cursor',
        'debtorRef',
        'limit',
        'maxBalance',
        'minBalance',
        'order',
        'product',
        'q',
        'segment',
        'sort',
        'status',
      ].sort(),
    );
    expect(params.find((p) => p.name === 'limit')?.schema?.type).toBe('integer');
    expect(Object.keys(list?.responses ?? {}).sort()).toEqual(['200', '400', '401']);
    expect(
      Object.keys(served.paths?.['/api/v1/debtors/{ref}']?.get?.responses ?? {}).sort(),
    ).toEqual(['200', '401', '404']);
  });

  it('describes money as integer minor units plus currency', () => {
    const schema = served.components?.schemas?.Money as {
      properties: Record<string, { type: string }>;
      required: string[];
    };
    expect(schema.properties.amount?.type).toBe('integer');
    expect(schema.required.sort()).toEqual(['amount', 'currency', 'formatted']);
    expect(moneyJson(money(125_050, toCurrencyCode('cop')!))).toEqual({
      amount: 125_050,
      currency: 'COP',
      formatted: '1250.50',
    });
  });

  it('resolves every $ref to a component', () => {
    const refs = refsIn(served);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, , kind, name] = ref.split('/');
      const components = served.components as Record<string, Record<string, unknown>>;
      expect({ ref, exists: components[kind!]?.[name!] !== undefined }).toEqual({
        ref,
        exists: true,
      });
    }
  });
});
