// CSV cells: RFC 4180 quoting and the spreadsheet formula guard (OWASP CSV injection).
import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvStream } from "./csv";

describe("csvCell", () => {
  it("quotes cells holding a quote, a comma or a line break, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('Ada "The Countess"')).toBe('"Ada ""The Countess"""');
    expect(csvCell("Lovelace, Ada")).toBe('"Lovelace, Ada"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
  });

  it("prefixes text a spreadsheet would run as a formula", () => {
    for (const evil of ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
      expect(csvCell(evil).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("keeps numbers (a negative count stays a number), empties nulls, writes dates as ISO 8601", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02T03:04:05.000Z");
  });
});

describe("csvStream", () => {
  const columns = [
    { header: "Name", value: (r: { n: string }) => r.n },
    { header: "Len", value: (r: { n: string }) => r.n.length },
  ];

  it("writes a byte-order mark and the header, then every batch, CRLF line ends", async () => {
    async function* pages() {
      yield [{ n: "a" }];
      yield [{ n: "b,c" }, { n: "d" }];
    }
    // Decoded keeping the BOM (Response.text() would drop it).
    const bytes = await new Response(csvStream(columns, pages())).arrayBuffer();
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toBe(`\uFEFF${csvLine(["Name", "Len"])}a,1\r\n"b,c",3\r\nd,1\r\n`);
  });

  it("fails the stream when a page cannot be read, rather than ending with a short file", async () => {
    async function* pages() {
      yield [{ n: "a" }];
      throw new Error("database went away");
    }
    await expect(new Response(csvStream(columns, pages())).text()).rejects.toThrow(/database went away/);
  });
});
