// Property-based fuzzing of every operation in the app's OpenAPI document (see support/fuzz.ts
// for what is generated and checked). New routes are fuzzed as soon as they are documented.
import { fuzzOperations } from "./support/fuzz";
import { loadDocument } from "./support/model";

fuzzOperations(await loadDocument(), () => true);
