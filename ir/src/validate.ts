// IR validation against the published JSON Schema (ajv), on write and on read.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { IrProgram } from './types.js';

const require = createRequire(import.meta.url);

export const IR_SCHEMA_URL = new URL('../src/ir.schema.json', import.meta.url);

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    // The build precompiles the schema (scripts/build-validator.mjs); without that output, ajv
    // compiles it here. Either way it is loaded on first use: `pimc check` never needs it.
    try {
      const mod = require('./ir-validator.cjs') as ValidateFunction | { default: ValidateFunction };
      validator = typeof mod === 'function' ? mod : mod.default;
    } catch {
      validator = compileWithAjv();
    }
  }
  return validator;
}

/** The schema compiled by ajv at run time (the reference the precompiled validator is tested against). */
export function compileWithAjv(): ValidateFunction {
  // ajv is CommonJS; its default export is the class.
  const Ajv = require('ajv') as typeof import('ajv').default;
  const schema = JSON.parse(fs.readFileSync(IR_SCHEMA_URL, 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
      : e.keyword === 'enum'
        ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
        : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}

/** The schema's complaints, each with the JSON path of the offending value; empty when valid. */
export function validateIr(ir: unknown): string[] {
  const v = getValidator();
  if (v(ir)) return [];
  return (v.errors ?? []).map(describe);
}

export class IrError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid pim IR:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'IrError';
  }
}

/** Reads IR from a JSON text, an object or a file path; validates it; throws IrError listing every problem with its JSON path. */
export function loadIr(input: string | object, source = typeof input === 'string' ? input : '<ir>'): IrProgram {
  let data: unknown = input;
  if (typeof input === 'string') {
    let text = input;
    if (!input.trimStart().startsWith('{')) {
      try {
        text = fs.readFileSync(input, 'utf8');
      } catch (e) {
        throw new IrError(source, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
      }
    } else source = '<ir>';
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new IrError(source, [`not JSON: ${(e as Error).message}`]);
    }
  }
  // The version first: IR of another major version fails the schema everywhere, and this says why.
  const version = (data as { ir_version?: unknown } | null)?.ir_version;
  if (typeof version === 'string' && version.split('.')[0] !== '1') {
    throw new IrError(source, [`/ir_version: version ${version} is not supported (this runtime reads 1.x)`]);
  }
  const problems = validateIr(data);
  if (problems.length) throw new IrError(source, problems);
  return data as IrProgram;
}
