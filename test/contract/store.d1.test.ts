// The Store contract against D1 (the embedded default), inside workerd.
import { env } from "cloudflare:test";
import { D1Store } from "../../src/store/d1/d1-store";
import { defineStoreContract } from "./store.contract";

defineStoreContract("d1", () => new D1Store(env.DB));
