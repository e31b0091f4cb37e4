import type { ConnectionInfo, PaginatorRuntime } from '../connector/index.js';
import { compileRequestTemplate, type RequestTemplate } from '../http/index.js';
import { compileMapping, compileRecordsPath, mapToRows, type EntityCatalog, type IdLookups, type MappingFunctionEntry } from '../mapping/index.js';
import { walkLimits } from '../pagination/index.js';
import type { IncrementalSpec } from './incremental.js';
import type { CompiledStream, RecordMapper } from './run-stream.js';

/** A paginator as YAML declares it: its type id plus its options. */
export interface PaginatorUse {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** A stream as connectors.yaml declares it (the fields the runtime reads); the config model fits it. */
export interface StreamDeclaration {
  readonly request: RequestTemplate;
  readonly records?: string | undefined;
  readonly pagination?: PaginatorUse | undefined;
  readonly entity: string;
  readonly map?: string | undefined;
  readonly schedule?: string | undefined;
  readonly incremental?: IncrementalSpec | undefined;
}

/** Creates a paginator component (through the registry, with plugin calls wrapped). */
export type PaginatorFactory = (use: PaginatorUse) => PaginatorRuntime;

export interface CompileStreamOptions {
  readonly connector: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly declaration: StreamDeclaration;
  /** The connector-wide default pagination, used when the stream declares none. */
  readonly defaultPagination?: StreamDeclaration['pagination'];
  readonly catalog: EntityCatalog;
  readonly functions: readonly MappingFunctionEntry[];
  readonly paginators: PaginatorFactory;
}

/**
 * Compiles a declared stream once at load: request template, records path, JSONata mapping and
 * paginator options. Throws the mapping's coded compile error (exit 2) for a bad expression.
 * @example
 * const stream = compileStream({ connector: 'storq', name: 'stock', baseUrl, declaration, catalog, functions, paginators });
 */
export function compileStream(options: CompileStreamOptions): CompiledStream {
  const { declaration } = options;
  const label = `${options.connector}.streams.${options.name}`;
  const request = compileRequestTemplate(options.baseUrl, declaration.request);
  const records = compileRecordsPath(declaration.records, { label: `${label}.records` });
  const mapping = compileMapping(declaration.map, { functions: options.functions, label: `${label}.map` });
  const pagination = declaration.pagination ?? options.defaultPagination ?? { type: 'none' };
  const { type: _type, ...paginatorOptions } = pagination;
  const mapper: RecordMapper = {
    map: (pageRecords, bindings: { connection: ConnectionInfo; lookups: IdLookups }) => mapToRows(pageRecords, mapping, declaration.entity, options.catalog, bindings),
  };
  return {
    connector: options.connector,
    name: options.name,
    entity: declaration.entity,
    request,
    createPaginator: () => options.paginators(pagination),
    limits: walkLimits(paginatorOptions),
    records: (page) => records(page.body),
    mapper,
    incremental: declaration.incremental,
  };
}
