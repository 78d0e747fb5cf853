// Profiles and flame graphs as the sidecar serves them (GET /api/profiles,
// /api/profiles/{id}, /api/traces/{id}/profile; docs/ARCHITECTURE.md,
// "Profiles"). The server aggregates the samples: the UI draws its boxes.

import type { Meta } from './types';

export interface ProfileThread {
  id: string;
  name?: string;
  samples: number;
}

export interface Profile extends Meta {
  kind: 'profile';
  format: 'sampled' | 'continuous';
  profileId?: string;
  profilerId?: string;
  chunkId?: string;
  transaction?: string;
  transactionId?: string;
  start: string;
  end?: string;
  durationMs: number;
  sampleCount: number;
  stackCount: number;
  frameCount: number;
  threads?: ProfileThread[];
  activeThread?: string;
  /** What could not be read (a payload cut short, samples whose stack was lost). */
  cut?: string[];
}

export interface FlameFrame {
  function: string;
  file?: string;
  line?: number;
  column?: number;
  module?: string;
  inApp: boolean;
}

/** One box: frame, depth, x offset, total and self, in samples. */
export interface FlameNode {
  f: number;
  d: number;
  x: number;
  t: number;
  s: number;
}

export interface FlameFunction {
  f: number;
  self: number;
  total: number;
}

export interface Flame {
  samples: number;
  idle: number;
  sampleMs: number;
  frames: FlameFrame[];
  nodes: FlameNode[];
  functions: FlameFunction[];
}

export interface ProfileDetail extends Profile {
  thread: string;
  flame: Flame;
}

export interface SpanProfile {
  traceId: string;
  spanId?: string;
  thread?: string;
  from: string;
  to: string;
  profiles: Profile[];
  flame: Flame;
}
