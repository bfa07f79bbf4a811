import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/http/errors";
import { etagOf, parseIfMatch } from "../../src/http/etag";

describe("ETags of the catalog version", () => {
  it("formats a strong ETag", () => {
    expect(etagOf(3)).toBe('"v3"');
  });

  it("parses If-Match", () => {
    expect(parseIfMatch(undefined)).toBeNull();
    expect(parseIfMatch("*")).toBe("any");
    expect(parseIfMatch('"v3"')).toEqual([3]);
    expect(parseIfMatch(' "v3", "v4" ')).toEqual([3, 4]);
  });

  it.each(["v3", 'W/"v3"', '"3"', '"v3', "", '"v3",'])("refuses %j with 412", (header) => {
    expect(() => parseIfMatch(header)).toThrow(ApiError);
    try {
      parseIfMatch(header);
    } catch (error) {
      expect((error as ApiError).code).toBe("PRECONDITION_FAILED");
    }
  });
});
