export { AwsEc2Provider, type AwsEc2ProviderOptions } from "./aws-provider";
export { type AwsCredentials, parseAwsCredentials } from "./credentials";
