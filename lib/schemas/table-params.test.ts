// Caps on list paging: the API answers 400 naming the parameter; pages clamp to the cap.
import { describe, expect, it } from "vitest";
import {
  MAX_PAGE,
  MAX_PER_PAGE,
  pageWindow,
  parseRequestTableParams,
  parseTableState,
  TableParamsError,
  defineTableParams,
} from "./table-params";

const config = defineTableParams({
  sortable: ["createdAt"] as const,
  defaultSort: { id: "createdAt", desc: true },
  filters: {},
});
const qs = (s: string) => new URLSearchParams(s);

describe("page and perPage caps", () => {
  it("accepts pages up to MAX_PAGE and refuses beyond it in strict mode, naming the parameter", () => {
    expect(MAX_PAGE).toBe(10_000);
    expect(parseTableState(qs(`page=${MAX_PAGE}`), config, { strict: true }).page).toBe(MAX_PAGE);
    for (const page of [String(MAX_PAGE + 1), "1000000000", "999999999"]) {
      expect(() => parseTableState(qs(`page=${page}`), config, { strict: true })).toThrow(TableParamsError);
      expect(() => parseTableState(qs(`page=${page}`), config, { strict: true })).toThrow(
        `Invalid query parameter "page": expected a whole number from 1 to ${MAX_PAGE}`,
      );
    }
    expect(() => parseTableState(qs(`perPage=${MAX_PER_PAGE + 1}`), config, { strict: true })).toThrow(/"perPage"/);
  });

  it("clamps an oversized page to MAX_PAGE for console pages (lenient)", () => {
    expect(parseTableState(qs("page=999999999"), config).page).toBe(MAX_PAGE);
    expect(parseTableState(qs("page=abc"), config).page).toBe(1);
    expect(pageWindow({ page: 1e9, perPage: 100 })).toEqual({ limit: 100, offset: (MAX_PAGE - 1) * 100, perPage: 100 });
  });

  it("answers 400 JSON naming page for the admin API", async () => {
    const { error } = parseRequestTableParams(
      new Request("http://127.0.0.1:3000/api/admin/events?page=1000000000"),
      config,
    );
    expect(error?.status).toBe(400);
    expect((await error!.json()).error).toBe(
      `Invalid query parameter "page": expected a whole number from 1 to ${MAX_PAGE}`,
    );
    expect(
      parseRequestTableParams(new Request("http://127.0.0.1:3000/api/admin/events?page=3"), config).params?.page,
    ).toBe(3);
  });
});
