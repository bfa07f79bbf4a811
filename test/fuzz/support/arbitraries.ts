// fast-check arbitraries for requests: values that follow a JSON Schema from the document (to get
// past validation into the handlers), mutations of them, and hostile inputs of every kind.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { type Doc, resolve, type Schema } from "./model";

/** The body limit the tests run with (vitest.config.ts pins MAX_BODY_BYTES). */
export const MAX_BODY_BYTES = Number(env.MAX_BODY_BYTES);

const AWKWARD = [
  "",
  " ",
  ".",
  "..",
  "...",
  "%2e%2e",
  "../..",
  "..%2f..",
  "%",
  "%zz",
  "%00",
  "\u0000",
  "null",
  "undefined",
  "true",
  "0",
  "-1",
  "1e309",
  "NaN",
  "__proto__",
  "constructor",
  "toString",
  "vm_",
  "ses_",
  "key_",
  "*",
  "?",
  "#",
  "&",
  ";",
  "'",
  '"',
  "\\",
  "<script>alert(1)</script>",
  '{"$gt":""}',
  "$where",
  "😀",
  "👩‍👩‍👧‍👦",
  "\u202e",
  "\ud800",
  "\uffff",
  "Ω≈ç√",
  "a".repeat(300),
  "a".repeat(5_000),
];

/** Strings that tend to break parsers, routers, databases and logs. */
export const awkwardString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...AWKWARD) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.nat(20_000).map((n) => "x".repeat(n)) },
);

/**
 * A header value, often hostile: printable ASCII (workerd's fetch re-encodes anything above 0x7f
 * as UTF-8 with a warning, so those bytes would not reach the app as sent anyway).
 */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", " ", "null", "*", '""', "\t", "a".repeat(300), "a".repeat(9_000), "a, b", "W/", "=?utf-8?", "%00", "%zz"),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
);

const jsonLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1e308, 1e308, 0.1, -0),
  awkwardString,
);

/** Any JSON value, with awkward strings in it. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    jsonLeaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(awkwardString, fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/**
 * How often a documented example is used instead of a generated value. Examples are usually
 * consistent with each other (an emulator, a provider and a region that exist), which gets
 * requests past the handlers' own checks; generated values explore the rest.
 */
export type ExampleBias = "some" | "most";

/** A value that satisfies `schema` as far as JSON Schema goes (the handler may still refuse it). */
export function fromSchema(doc: Doc, schema: unknown, bias: ExampleBias = "some", depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 8) return fc.constant(null);
  const generated = fromResolved(doc, s, bias, depth);
  if ("example" in s && s.example !== undefined) {
    const weight = bias === "most" ? 9 : 3;
    return fc.oneof({ weight, arbitrary: fc.constant(s.example) }, { weight: 2, arbitrary: generated });
  }
  return generated;
}

function fromResolved(doc: Doc, s: Schema, bias: ExampleBias, depth: number): fc.Arbitrary<unknown> {
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((alt) => fromSchema(doc, alt, bias, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const parts = (s.allOf as unknown[]).map((part) => resolve(doc, part));
    const merged: Schema = { ...s, allOf: undefined };
    for (const part of parts) {
      Object.assign(merged, part, {
        properties: { ...(merged.properties as object), ...(part.properties as object) },
        required: [...((merged.required as string[]) ?? []), ...((part.required as string[]) ?? [])],
      });
    }
    return fromResolved(doc, merged, bias, depth);
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : [];
  if (types.length === 0) return s.properties ? objectOf(doc, s, bias, depth) : anyJson;
  return fc.oneof(...types.map((type) => ofType(doc, s, type, bias, depth)));
}

function ofType(doc: Doc, s: Schema, type: string, bias: ExampleBias, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min = num(s.minimum) ?? (num(s.exclusiveMinimum) !== undefined ? (num(s.exclusiveMinimum) as number) + 1 : -1e6);
      const max = num(s.maximum) ?? (num(s.exclusiveMaximum) !== undefined ? (num(s.exclusiveMaximum) as number) - 1 : 1e6);
      const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
      const hi = Math.min(Math.max(max, lo), Number.MAX_SAFE_INTEGER);
      return type === "integer"
        ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
        : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
    }
    case "string":
      return stringOf(s);
    case "array": {
      const minLength = num(s.minItems) ?? 0;
      const maxLength = Math.max(minLength, Math.min(num(s.maxItems) ?? 3, 3));
      return fc.array(fromSchema(doc, s.items ?? {}, bias, depth + 1), { minLength, maxLength });
    }
    case "object":
      return objectOf(doc, s, bias, depth);
    default:
      return anyJson;
  }
}

function stringOf(s: Schema): fc.Arbitrary<string> {
  if (typeof s.pattern === "string") return fc.stringMatching(new RegExp(s.pattern));
  switch (s.format) {
    case "date-time":
      return fc
        .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "uri":
    case "url":
      return fc.webUrl();
    case "email":
      return fc.emailAddress();
    case "uuid":
      return fc.uuid();
  }
  const minLength = num(s.minLength) ?? 0;
  const maxLength = Math.max(minLength, Math.min(num(s.maxLength) ?? 24, 24));
  return fc.string({ minLength, maxLength });
}

function objectOf(doc: Doc, s: Schema, bias: ExampleBias, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, prop]) => [name, fromSchema(doc, prop, bias, depth + 1)])),
    { requiredKeys: [...required].filter((name) => name in properties) },
  );
  const extra = s.additionalProperties;
  if (extra && typeof extra === "object") {
    const keys = resolve(doc, (s.propertyNames as Schema | undefined) ?? {});
    const keyArb = typeof keys.pattern === "string" ? fc.stringMatching(new RegExp(keys.pattern)) : fc.string({ maxLength: 12 });
    return fc
      .tuple(record, fc.dictionary(keyArb, fromSchema(doc, extra, bias, depth + 1), { maxKeys: 3 }))
      .map(([known, more]) => ({ ...more, ...known }));
  }
  return record as fc.Arbitrary<Record<string, unknown>>;
}

const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** Breaks a valid value in one place: a missing or unknown field, a wrong type, an awkward value. */
export function mutated(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return value.chain((v) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return fc.oneof(anyJson, fc.constant([v]), fc.constant({ value: v }));
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    const options: fc.Arbitrary<unknown>[] = [
      fc
        .tuple(fc.oneof(awkwardString, fc.constantFrom("extra", "__proto__", "constructor", "$where")), anyJson)
        .map(([k, x]) => ({ ...obj, [k]: x })),
    ];
    if (keys.length > 0) {
      const key = fc.constantFrom(...keys);
      options.push(
        key.map((k) => {
          const { [k]: _dropped, ...rest } = obj;
          return rest;
        }),
        fc.tuple(key, anyJson).map(([k, x]) => ({ ...obj, [k]: x })),
        fc.tuple(key, awkwardString).map(([k, x]) => ({ ...obj, [k]: x })),
        fc.tuple(key, fc.constantFrom(null, true, -1, 0, 1e308, [], {}, "", [[[]]])).map(([k, x]) => ({ ...obj, [k]: x })),
      );
    }
    return fc.oneof(...options);
  });
}

/** Nested arrays or objects up to 50,000 deep (≈250 kB, under the body limit): recursion must not overflow. */
export const deeplyNested: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.constantFrom(64, 1_000, 10_000, 50_000), fc.integer({ min: 2, max: 20_000 })), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
  );

/** Text that is not JSON, or JSON in a form a parser may stumble on. */
export const notJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "[",
    '{"a":',
    "{'a': 1}",
    "{a:1}",
    "[1,2,",
    "NaN",
    "undefined",
    "\u0000",
    "\ufeff{}",
    '{"a":1}{"b":2}',
    '{"a":1,}',
    '{"__proto__":{"polluted":true}}',
    '{"a":"\\ud800"}',
    "1".repeat(400),
    "<xml/>",
    "a=1&b=2",
  ),
  fc.string({ unit: "binary", maxLength: 60 }),
);

/** A JSON body around a string of `n` bytes, often beyond the body limit. */
export const hugeBody: fc.Arbitrary<string> = fc
  .integer({ min: 1_000, max: MAX_BODY_BYTES + 50_000 })
  .map((n) => JSON.stringify({ name: "x".repeat(n) }));

export const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/json; charset=utf-8",
  "application/JSON",
  "application/json; charset=latin1",
  "application/merge-patch+json",
  "application/problem+json",
  "application/xml",
  "*/*",
  "application/json, text/plain",
  "",
];
