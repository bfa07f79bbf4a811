// The Provider contract against the EC2 adapter and the fake EC2 endpoint (test/support/fake-ec2.mjs).
import { env } from "cloudflare:test";
import { AwsEc2Provider } from "../../src/providers/aws/aws-provider";
import { parseAwsCredentials } from "../../src/providers/aws/credentials";
import { defineProviderContract } from "./provider.contract";

const credentials = parseAwsCredentials("AWS_TEST_CREDENTIALS", env.AWS_TEST_CREDENTIALS);

defineProviderContract("aws", {
  region: "us-east-1",
  instanceType: "g5.xlarge",
  image: "ami-0abcdef1234567890",
  async make() {
    return new AwsEc2Provider({ id: "aws", credentials, endpoint: env.FAKE_EC2_ENDPOINT });
  },
});
