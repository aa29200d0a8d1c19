import { describe, expect, it } from '@jest/globals';
import {
  columnForHeader,
  mapHeaders,
  normalizeHeader,
} from '../../../src/domain/portfolio/columns.js';

describe('normalizeHeader', () => {
  it('ignores case, accents, spaces, underscores, hyphens and dots', () => {
    expect(normalizeHeader('  Fecha de Vencimiento ')).toBe('fechadevencimiento');
    expect(normalizeHeader('TELÉFONO')).toBe('telefono');
    expect(normalizeHeader('account_ref')).toBe('accountref');
    expect(normalizeHeader('E-mail')).toBe('email');
    expect(normalizeHeader('Nro. Cuenta')).toBe('nrocuenta');
  });
});

describe('columnForHeader', () => {
  it.each([
    ['account_ref', 'account_ref'],
    [' Account Ref ', 'account_ref'],
    ['Cuenta', 'account_ref'],
    ['conta', 'account_ref'],
    ['deudor', 'debtor_ref'],
    ['Devedor', 'debtor_ref'],
    ['Nombre', 'name'],
    ['nome', 'name'],
    ['teléfono', 'phone'],
    ['Telefono', 'phone'],
    ['celular', 'phone'],
    ['telefone', 'phone'],
    ['moneda', 'currency'],
    ['moeda', 'currency'],
    ['SALDO', 'balance'],
    ['vencimiento', 'due_date'],
    ['fecha_vencimiento', 'due_date'],
    ['vencimento', 'due_date'],
    ['Due Date', 'due_date'],
    ['cédula', 'document_id'],
    ['DNI', 'document_id'],
    ['rut', 'document_id'],
    ['cpf', 'document_id'],
    ['documento', 'document_id'],
    ['país', 'country'],
    ['pais', 'country'],
    ['correo', 'email'],
    ['zona_horaria', 'timezone'],
    ['idioma', 'locale'],
    ['producto', 'product'],
    ['monto_original', 'original_amount'],
    ['pago_minimo', 'min_payment'],
    ['Pago Mínimo', 'min_payment'],
    ['segmento', 'segment'],
    ['etiquetas', 'tags'],
    ['telegram_id', 'telegram_id'],
  ])('%s names %s', (header, column) => {
    expect(columnForHeader(header)).toBe(column);
  });

  it('does not know other columns', () => {
    expect(columnForHeader('Observación')).toBeUndefined();
  });
});

describe('mapHeaders', () => {
  it('maps positions and keeps the file’s own labels; unknown headers are ignored', () => {
    const result = mapHeaders([
      'Cuenta',
      'Deudor',
      'Nombre',
      'Teléfono',
      'Moneda',
      'Saldo',
      'Vencimiento',
      'Notas',
      '',
    ]);
    expect(result).toEqual({
      ok: true,
      mapping: {
        index: {
          account_ref: 0,
          debtor_ref: 1,
          name: 2,
          phone: 3,
          currency: 4,
          balance: 5,
          due_date: 6,
        },
        label: {
          account_ref: 'Cuenta',
          debtor_ref: 'Deudor',
          name: 'Nombre',
          phone: 'Teléfono',
          currency: 'Moneda',
          balance: 'Saldo',
          due_date: 'Vencimiento',
        },
        width: 9,
        ignored: ['Notas'],
      },
    });
  });

  it('reports every missing required column', () => {
    expect(mapHeaders(['account_ref', 'name', 'balance'])).toEqual({
      ok: false,
      reason: 'missing-columns',
      missing: ['debtor_ref', 'phone', 'currency', 'due_date'],
    });
  });

  it('refuses two headers naming the same column', () => {
    expect(
      mapHeaders([
        'cuenta',
        'deudor',
        'nombre',
        'telefono',
        'celular',
        'moneda',
        'saldo',
        'vencimiento',
      ]),
    ).toEqual({
      ok: false,
      reason: 'duplicate-column',
      column: 'phone',
      headers: ['telefono', 'celular'],
    });
  });
});
