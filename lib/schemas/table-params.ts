// Table state in the URL (page, perPage, sort, filters): one parser for the server page, the
// client table and the admin API. Pages parse leniently (a bad value falls back to its default);
// the API parses strictly and answers 400 naming the parameter.
import { z } from "zod";
import { fail, failureResponse } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;
export type SortState<S extends string = string> = { id: S; desc: boolean };
export type TableState<S extends string = string> = { page: number; perPage: number; sort: SortState<S> };
export type TableStateConfig<S extends string = string> = {
  sortable: readonly S[];
  defaultSort: SortState<S>;
  defaultPerPage?: number;
};
export type FilterSchemas = Record<string, z.ZodType>;
export type ParsedFilters<F extends FilterSchemas> = { [K in keyof F]?: z.output<F[K]> };
export type TableParamsConfig<S extends string, F extends FilterSchemas> = TableStateConfig<S> & { filters: F };
export type ParsedTableParams<S extends string, F extends FilterSchemas> = TableState<S> & {
  filters: ParsedFilters<F>;
};

export const PAGE_PARAM = "page";
export const PER_PAGE_PARAM = "perPage";
export const SORT_PARAM = "sort";
export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
/** The deepest page a list serves (an offset of a million rows at 100 per page): beyond it, narrow the filters. */
export const MAX_PAGE = 10_000;
export const PER_PAGE_OPTIONS = [10, 25, 50, 100] as const;

/** A query parameter the API cannot accept; the message names the parameter. */
export class TableParamsError extends Error {
  constructor(
    public readonly param: string,
    detail: string,
  ) {
    super(`Invalid query parameter "${param}": ${detail}`);
    this.name = "TableParamsError";
  }
}

/** Keeps the config's literal types (sortable ids, filter outputs) for the parser's result. */
export function defineTableParams<S extends string, F extends FilterSchemas>(config: TableParamsConfig<S, F>) {
  return config;
}

function read(input: SearchParamsInput, name: string, strict: boolean): string | undefined {
  const all = input instanceof URLSearchParams ? input.getAll(name) : [input[name] ?? []].flat();
  if (strict && all.length > 1) throw new TableParamsError(name, "given more than once");
  const value = all[0]?.trim();
  return value ? value : undefined;
}

export function formatSort(sort: SortState): string {
  return `${sort.id}.${sort.desc ? "desc" : "asc"}`;
}

/** page, perPage and sort; shared by the server page and the client table's optimistic state. */
export function parseTableState<S extends string>(
  input: SearchParamsInput,
  config: TableStateConfig<S>,
  { strict = false } = {},
): TableState<S> {
  const fail = (param: string, detail: string) => {
    if (strict) throw new TableParamsError(param, detail);
  };
  const perPageDefault = config.defaultPerPage ?? DEFAULT_PER_PAGE;
  let page = 1;
  let perPage = perPageDefault;
  let sort = config.defaultSort;

  const rawPage = read(input, PAGE_PARAM, strict);
  if (rawPage !== undefined) {
    const n = Number(rawPage);
    if (/^\d{1,9}$/.test(rawPage) && n >= 1 && n <= MAX_PAGE) page = n;
    else if (/^\d{1,9}$/.test(rawPage) && n > MAX_PAGE && !strict) page = MAX_PAGE;
    else fail(PAGE_PARAM, `expected a whole number from 1 to ${MAX_PAGE}`);
  }
  const rawPerPage = read(input, PER_PAGE_PARAM, strict);
  if (rawPerPage !== undefined) {
    const n = Number(rawPerPage);
    if (/^\d{1,4}$/.test(rawPerPage) && n >= 1 && n <= MAX_PER_PAGE) perPage = n;
    else if (/^\d{1,9}$/.test(rawPerPage) && n > MAX_PER_PAGE && !strict) perPage = MAX_PER_PAGE;
    else fail(PER_PAGE_PARAM, `expected a whole number from 1 to ${MAX_PER_PAGE}`);
  }
  const rawSort = read(input, SORT_PARAM, strict);
  if (rawSort !== undefined) {
    const [id, dir = "asc", ...rest] = rawSort.split(".");
    if (config.sortable.includes(id as S) && (dir === "asc" || dir === "desc") && rest.length === 0) {
      sort = { id: id as S, desc: dir === "desc" };
    } else {
      const allowed = config.sortable.map((s) => `${s}.asc, ${s}.desc`).join(", ");
      fail(SORT_PARAM, `expected one of ${allowed}`);
    }
  }
  return { page, perPage, sort };
}

/** The whole table state plus its filters; unknown parameters are ignored. */
export function parseTableParams<S extends string, F extends FilterSchemas>(
  input: SearchParamsInput,
  config: TableParamsConfig<S, F>,
  { strict = false } = {},
): ParsedTableParams<S, F> {
  const filters: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(config.filters)) {
    const raw = read(input, name, strict);
    if (raw === undefined) continue;
    const result = schema.safeParse(raw);
    if (result.success) filters[name] = result.data;
    else if (strict) throw new TableParamsError(name, firstIssueMessage(result.error, "invalid value"));
  }
  return { ...parseTableState(input, config, { strict }), filters: filters as ParsedFilters<F> };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Building blocks for filter schemas: each parses one URL string. */
export const filterParam = {
  text: (max = 200) => z.string().trim().min(1).max(max, `must be at most ${max} characters`),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `expected one of ${values.join(", ")}` }),
  /** A comma-separated list of allowed values, e.g. `status=received,processing`. */
  anyOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z
      .string()
      .transform((v) => [
        ...new Set(
          v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z.array(z.enum(values, { error: `expected one or more of ${values.join(", ")} (comma-separated)` })).min(1),
      ),
  /** An ISO 8601 time, or a date meaning the start (`from`) or the end (`to`) of that UTC day. */
  date: (edge: "start" | "end") =>
    z
      .string()
      .transform((v) => v.replace(" ", "+"))
      .refine((v) => (ISO_DATE.test(v) || ISO_DATETIME.test(v)) && !Number.isNaN(Date.parse(v)), {
        error: "expected an ISO 8601 date (2025-01-31) or time with zone (2025-01-31T09:30:00Z)",
      })
      .transform((v) =>
        ISO_DATE.test(v) ? new Date(`${v}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`) : new Date(v),
      ),
};

/**
 * One page of a list query, as every `db/queries/*` list function answers it. `totalCapped`: the count
 * stopped at `total` and there are more (large lists are counted only up to a cap, see db/queries/paging.ts).
 */
export type PageResult<T> = { rows: T[]; pageCount: number; total: number; totalCapped?: boolean };

/** limit/offset for a 1-based page; missing values take the defaults. */
export function pageWindow({ page = 1, perPage = DEFAULT_PER_PAGE }: { page?: number; perPage?: number }) {
  const size = Math.min(Math.max(1, Math.floor(perPage)), MAX_PER_PAGE);
  return { limit: size, offset: (Math.min(Math.max(1, Math.floor(page)), MAX_PAGE) - 1) * size, perPage: size };
}

/** `%`, `_` and `\` match themselves in an ILIKE pattern built from user text. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/** `/events` + the request's query string, e.g. for a sign-in callback that keeps the filters. */
export function pathWithQuery(pathname: string, input: SearchParamsInput): string {
  const qs = new URLSearchParams();
  const entries = input instanceof URLSearchParams ? [...input.entries()] : Object.entries(input);
  for (const [key, value] of entries) for (const v of [value ?? []].flat()) qs.append(key, v);
  const query = qs.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** For route handlers: the strictly parsed query, or a 400 JSON answer naming the bad parameter. */
export function parseRequestTableParams<S extends string, F extends FilterSchemas>(
  req: Request,
  config: TableParamsConfig<S, F>,
): { params: ParsedTableParams<S, F>; error?: undefined } | { params?: undefined; error: Response } {
  try {
    return { params: parseTableParams(new URL(req.url).searchParams, config, { strict: true }) };
  } catch (err) {
    if (err instanceof TableParamsError) return { error: failureResponse(fail(400, err.message)) };
    throw err;
  }
}
