/**
 * The WhatsApp message templates cuota may send, read from `flows/whatsapp-templates.yaml`.
 * Outside the 24-hour customer service window WhatsApp accepts only approved templates (a
 * free-form message fails with 131047): the dispatcher refuses free-form sends outside the window
 * (`isInsideWhatsAppWindow`), and the sender checks templates against this registry before it
 * ever calls the API.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';
import type { OutboundContent } from '../../../domain/messaging/message.js';
import { parseYamlFile } from '../../flows/yaml-file.js';

/** Where the registry lives, relative to the content root. */
export const whatsAppTemplatesFile = path.join('flows', 'whatsapp-templates.yaml');

const placeholder = /\{\{(\d+)\}\}/g;

export const WhatsAppTemplateSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores'),
    category: z.enum(['utility', 'marketing', 'authentication']),
    /** Names of the positional variables {{1}}, {{2}}... in order (documentation and checks). */
    variables: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case variable name'))
      .default([]),
    /** The approved body per WhatsApp language code (es, en, pt_BR), with {{n}} placeholders. */
    languages: z
      .record(
        z
          .string()
          .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a WhatsApp language code such as es or pt_BR'),
        z.string().trim().min(1).max(1024),
      )
      .refine((r) => Object.keys(r).length > 0, 'at least one language'),
  })
  .superRefine((template, ctx) => {
    for (const [language, body] of Object.entries(template.languages)) {
      const used = new Set([...body.matchAll(placeholder)].map((m) => Number(m[1])));
      const expected = template.variables.map((_, i) => i + 1);
      if (used.size !== expected.length || expected.some((n) => !used.has(n))) {
        ctx.addIssue({
          code: 'custom',
          path: ['languages', language],
          message: `must use exactly the placeholders ${expected.map((n) => `{{${n}}}`).join(', ') || '(none)'} for variables [${template.variables.join(', ')}]`,
        });
      }
    }
  });

export type WhatsAppTemplate = z.infer<typeof WhatsAppTemplateSchema>;

export const WhatsAppTemplatesFileSchema = z
  .strictObject({ templates: z.array(WhatsAppTemplateSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.templates.forEach((t, i) => {
      if (seen.has(t.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['templates', i, 'name'],
          message: `duplicate template "${t.name}"`,
        });
      }
      seen.add(t.name);
    });
  });

/** Why a template message cannot be sent as written, or that it can. */
export type TemplateCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The loaded templates, by name. */
export interface WhatsAppTemplateRegistry {
  readonly templates: readonly WhatsAppTemplate[];
  get(name: string): WhatsAppTemplate | undefined;
  /** Known name, approved language, and exactly the variables the template declares. */
  check(content: Extract<OutboundContent, { type: 'template' }>): TemplateCheck;
  /**
   * The template's language closest to a BCP 47 locale: pt-BR -> pt_BR, es-419 -> es,
   * en-US -> en; Spanish, then the first language, when nothing closer is approved.
   */
  languageFor(template: WhatsAppTemplate, locale: string): string;
}

/** A registry over already-validated templates. */
export function templateRegistry(templates: readonly WhatsAppTemplate[]): WhatsAppTemplateRegistry {
  const byName = new Map(templates.map((t) => [t.name, t]));
  return {
    templates,
    get: (name) => byName.get(name),
    check(content) {
      const template = byName.get(content.name);
      if (template === undefined)
        return { ok: false, reason: `unknown template "${content.name}"` };
      if (!(content.language in template.languages)) {
        return {
          ok: false,
          reason: `template "${content.name}" has no language "${content.language}"`,
        };
      }
      if (content.variables.length !== template.variables.length) {
        return {
          ok: false,
          reason: `template "${content.name}" takes ${template.variables.length} variables, got ${content.variables.length}`,
        };
      }
      return { ok: true };
    },
    languageFor(template, locale) {
      const codes = Object.keys(template.languages);
      const [language = '', region] = locale.split(/[-_]/);
      const candidates = [
        region === undefined ? undefined : `${language.toLowerCase()}_${region.toUpperCase()}`,
        language.toLowerCase(),
      ];
      return (
        candidates.find((c) => c !== undefined && codes.includes(c)) ??
        codes.find((c) => c.split('_')[0] === language.toLowerCase()) ??
        codes.find((c) => c === 'es') ??
        codes[0] ??
        'es'
      );
    },
  };
}

/**
 * Parses and validates a templates file. Throws AppError('flow_invalid') listing every problem
 * as `file:line:column: path: message`.
 */
export function parseWhatsAppTemplates(text: string, file: string): WhatsAppTemplateRegistry {
  return templateRegistry(
    parseYamlFile(text, file, WhatsAppTemplatesFileSchema, 'WhatsApp templates').templates,
  );
}

/** Reads `flows/whatsapp-templates.yaml` (or `file`) under `rootDir`. */
export async function loadWhatsAppTemplates(
  rootDir: string,
  file: string = whatsAppTemplatesFile,
): Promise<WhatsAppTemplateRegistry> {
  const text = await readFile(path.resolve(rootDir, file), 'utf8').catch((cause: unknown) => {
    throw new AppError('flow_invalid', `${file}: cannot read WhatsApp templates`, { cause });
  });
  return parseWhatsAppTemplates(text, file.split(path.sep).join('/'));
}
