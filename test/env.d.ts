// Bindings that exist only in tests (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    MONGODB_URI?: string;
    ROOT_API_KEY?: string;
    TEST_PLAYER_JWT_KEY: string;
    /** Base URL of the fake EC2 endpoint (append `<region>/`). */
    FAKE_EC2_ENDPOINT: string;
    /** JSON AWS credentials for the fake EC2 endpoint (the documentation example key). */
    AWS_TEST_CREDENTIALS: string;
    /** Base URL of the webhook receiver (test/webhook-receiver-setup.ts), http://127.0.0.1:<port>. */
    WEBHOOK_RECEIVER_URL: string;
  }
}
declare module "*?raw" {
  const content: string;
  export default content;
}
