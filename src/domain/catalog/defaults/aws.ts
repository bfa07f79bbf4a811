// Amazon EC2: the single-GPU instance types that suit cloud gaming (an NVIDIA GPU with NVENC for
// the stream, 4-16 vCPU). Disabled by default: launching needs AWS credentials (the Worker secret
// named by credentialSecret) and an image (AMI) in every region for every emulator, which only an
// operator can provide. Enabling it without those images fails catalog validation, on purpose.
//
// Sources and assumptions:
// - vCPU, memory and GPU as AWS documents them: G4dn = NVIDIA T4 16 GB, G5 = A10G 24 GB,
//   G6 = L4 24 GB; xlarge / 2xlarge / 4xlarge = 4 / 8 / 16 vCPU with 16 / 32 / 64 GiB.
// - Prices: public Linux on-demand list prices (USD per hour, shared tenancy) from the AWS Price
//   List, as captured in SkyPilot's public AWS catalog (skypilot-org/skypilot-catalog,
//   catalogs/v8/aws/vms.csv). Read on PRICES_AS_OF; the capture date is not stated there.
//   us-east-1 is the default price; every other region carries its own.
// - Regions per family: where that catalog lists the type as offered. It does not cover
//   sa-east-1, ap-south-2, ap-southeast-5, ap-southeast-7, ca-west-1, eu-central-2, il-central-1
//   or mx-central-1, so those are left out until an operator verifies them.
// - Spot prices float: null here, operators set them. Quotas are per account: none here.
// - Disk: gp3 EBS at $0.08 per GB-month in us-east-1.
import type { InstanceType, Provider } from "../schema";
import { AWS_REGIONS } from "./aws-regions";

export const PRICES_AS_OF = "2026-11-27";
const GP3_GB_MONTH_MICROS = 80_000;
const DEFAULT_REGION = "us-east-1";

type Gpu = NonNullable<InstanceType["gpu"]>;
/** On-demand micro-dollars per hour for the xlarge, 2xlarge and 4xlarge sizes. */
type SizePrices = readonly [number, number, number];

const SIZES = [
  { suffix: "xlarge", vcpu: 4, ramGb: 16 },
  { suffix: "2xlarge", vcpu: 8, ramGb: 32 },
  { suffix: "4xlarge", vcpu: 16, ramGb: 64 },
] as const;

const G4DN: Record<string, SizePrices> = {
  "af-south-1": [698_000, 998_000, 1_597_000],
  "ap-east-1": [810_000, 1_158_000, 1_854_000],
  "ap-northeast-1": [710_000, 1_015_000, 1_625_000],
  "ap-northeast-2": [647_000, 925_000, 1_481_000],
  "ap-northeast-3": [710_000, 1_015_000, 1_625_000],
  "ap-south-1": [579_000, 828_000, 1_325_000],
  "ap-southeast-1": [736_000, 1_052_000, 1_685_000],
  "ap-southeast-2": [684_000, 978_000, 1_566_000],
  "ca-central-1": [584_000, 835_000, 1_337_000],
  "eu-central-1": [658_000, 940_000, 1_505_000],
  "eu-north-1": [558_000, 798_000, 1_277_000],
  "eu-south-1": [616_000, 880_000, 1_410_000],
  "eu-west-1": [587_000, 838_000, 1_342_000],
  "eu-west-2": [615_000, 880_000, 1_409_000],
  "eu-west-3": [615_000, 879_000, 1_408_000],
  "me-south-1": [645_000, 922_000, 1_477_000],
  "us-east-1": [526_000, 752_000, 1_204_000],
  "us-east-2": [526_000, 752_000, 1_204_000],
  "us-west-1": [631_000, 902_000, 1_445_000],
  "us-west-2": [526_000, 752_000, 1_204_000],
};

const G5: Record<string, SizePrices> = {
  "ap-northeast-1": [1_459_000, 1_757_760, 2_355_280],
  "ap-northeast-2": [1_237_000, 1_490_300, 1_996_910],
  "ap-south-1": [1_208_000, 1_455_360, 1_950_090],
  "ap-southeast-2": [1_308_000, 1_575_840, 2_111_520],
  "ap-southeast-3": [1_408_000, 1_696_320, 2_272_950],
  "ca-central-1": [1_117_000, 1_345_730, 1_803_190],
  "eu-central-1": [1_258_000, 1_515_600, 2_030_810],
  "eu-north-1": [1_067_000, 1_285_490, 1_722_470],
  "eu-west-1": [1_123_000, 1_352_960, 1_812_870],
  "eu-west-2": [1_277_000, 1_538_490, 2_061_480],
  "me-central-1": [1_234_000, 1_486_690, 1_992_060],
  "us-east-1": [1_006_000, 1_212_000, 1_624_000],
  "us-east-2": [1_006_000, 1_212_000, 1_624_000],
  "us-west-2": [1_006_000, 1_212_000, 1_624_000],
};

const G6: Record<string, SizePrices> = {
  "ap-northeast-1": [1_167_200, 1_417_810, 1_919_030],
  "ap-northeast-2": [989_600, 1_202_080, 1_627_040],
  "ap-south-1": [966_400, 1_173_900, 1_588_890],
  "ap-southeast-2": [1_046_400, 1_271_070, 1_720_420],
  "ca-central-1": [893_600, 1_085_470, 1_469_200],
  "eu-central-1": [1_006_400, 1_222_490, 1_654_660],
  "eu-north-1": [853_600, 1_036_880, 1_403_430],
  "eu-south-2": [848_000, 1_030_080, 1_394_230],
  "eu-west-2": [1_021_600, 1_240_950, 1_679_650],
  "eu-west-3": [1_021_600, 1_240_950, 1_679_650],
  "me-central-1": [988_240, 1_200_430, 1_624_800],
  "us-east-1": [804_800, 977_600, 1_323_200],
  "us-east-2": [804_800, 977_600, 1_323_200],
  "us-west-2": [804_800, 977_600, 1_323_200],
};

const FAMILIES: { prefix: string; gpu: Gpu; prices: Record<string, SizePrices> }[] = [
  { prefix: "g4dn", gpu: { model: "NVIDIA T4", count: 1, vramGb: 16, encoder: "nvenc" }, prices: G4DN },
  { prefix: "g5", gpu: { model: "NVIDIA A10G", count: 1, vramGb: 24, encoder: "nvenc" }, prices: G5 },
  { prefix: "g6", gpu: { model: "NVIDIA L4", count: 1, vramGb: 24, encoder: "nvenc" }, prices: G6 },
];

function instanceTypes(): InstanceType[] {
  return FAMILIES.flatMap(({ prefix, gpu, prices }) =>
    SIZES.map((size, s): InstanceType => {
      const base = priceAt(prices, DEFAULT_REGION, s);
      // Only regions whose price differs from the default carry an override.
      const regionPrices = Object.fromEntries(
        Object.keys(prices)
          .filter((code) => priceAt(prices, code, s) !== base)
          .map((code) => [code, { onDemandHourlyMicros: priceAt(prices, code, s), spotHourlyMicros: null }]),
      );
      return {
        name: `${prefix}.${size.suffix}`,
        vcpu: size.vcpu,
        ramGb: size.ramGb,
        gpu: { ...gpu },
        regions: Object.keys(prices),
        onDemandHourlyMicros: base,
        spotHourlyMicros: null,
        regionPrices,
      };
    }),
  );
}

function priceAt(prices: Record<string, SizePrices>, region: string, size: number): number {
  const price = prices[region]?.[size];
  if (price === undefined) throw new Error(`no price for size ${size} in ${region}`);
  return price;
}

export const AWS_PROVIDER: Provider = {
  id: "aws",
  kind: "aws",
  name: "Amazon Web Services",
  enabled: false,
  credentialSecret: "AWS_CREDENTIALS",
  endpoint: null,
  regions: AWS_REGIONS.map((r) => ({ ...r })),
  instanceTypes: instanceTypes(),
  diskGbMonthMicros: GP3_GB_MONTH_MICROS,
  quotas: [],
  pricesAsOf: PRICES_AS_OF,
};
