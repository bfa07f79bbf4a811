// Default emulator profiles. Every one streams through Sunshine, which encodes on the GPU, so
// each needs an NVIDIA GPU with NVENC whatever the emulator itself asks of it. Needs follow the
// emulators' own recommendations, rounded to what the default instance types offer: the lightest
// (4 vCPU, 16 GB, T4 16 GB) runs all but RPCS3, which wants at least 8 CPU threads.
// Images name the simulated cloud only; real providers get theirs from the operator.
import type { EmulatorProfile } from "../schema";

type Needs = EmulatorProfile["needs"];
type Stream = EmulatorProfile["session"]["stream"];

// Retro and handheld systems render at low resolution: 720p at 10 Mbps looks the same.
const RETRO_STREAM: Stream = { width: 1280, height: 720, fps: 60, bitrateKbps: 10_000 };
const HD_STREAM: Stream = { width: 1920, height: 1080, fps: 60, bitrateKbps: 20_000 };

function profile(id: string, name: string, systems: string[], needs: Needs, stream: Stream): EmulatorProfile {
  return {
    id,
    name,
    systems,
    streamingHost: "sunshine",
    needs,
    images: [{ provider: "simulated", region: null, image: `sim-image-${id}` }],
    session: { idleTimeoutMinutes: 15, maxSessionMinutes: 240, stream },
    enabled: true,
  };
}

function gpuNeeds(minVramGb: number, minVcpu: number, minRamGb: number, diskGb: number): Needs {
  return { gpuRequired: true, minVramGb, encoder: "nvenc", minVcpu, minRamGb, diskGb };
}

export const DEFAULT_EMULATORS: readonly EmulatorProfile[] = [
  profile(
    "retroarch",
    "RetroArch (multi-system)",
    ["nes", "snes", "n64", "gb", "gbc", "gba", "genesis", "mastersystem", "pce", "psx"],
    gpuNeeds(2, 2, 4, 32),
    RETRO_STREAM,
  ),
  profile("ppsspp", "PPSSPP (PlayStation Portable)", ["psp"], gpuNeeds(2, 2, 4, 32), RETRO_STREAM),
  profile("dolphin", "Dolphin (GameCube / Wii)", ["gamecube", "wii"], gpuNeeds(4, 4, 8, 64), HD_STREAM),
  profile("pcsx2", "PCSX2 (PlayStation 2)", ["ps2"], gpuNeeds(4, 4, 8, 64), HD_STREAM),
  profile("xemu", "xemu (Xbox)", ["xbox"], gpuNeeds(4, 4, 8, 64), HD_STREAM),
  profile("cemu", "Cemu (Wii U)", ["wiiu"], gpuNeeds(4, 4, 8, 96), HD_STREAM),
  profile("rpcs3", "RPCS3 (PlayStation 3)", ["ps3"], gpuNeeds(4, 8, 16, 128), HD_STREAM),
];
