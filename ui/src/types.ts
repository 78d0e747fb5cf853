// Shapes of the Control Center API (the event model is in api/types.ts).

/** `ended`: exited while the Control Center still holds its events (GET /api/instances?all=1). */
export type InstanceStatus = 'healthy' | 'unresponsive' | 'orphaned' | 'dead' | 'ended';

export interface Instance {
  instanceId: string;
  port: number;
  pid: number;
  pidStartTime?: number;
  childPid?: number;
  childPidStartTime?: number;
  command: string;
  cmdArgs?: string[];
  cwd: string;
  startTime: string;
  projectName: string;
  detectedType?: string;
  status?: InstanceStatus;
  uptimeSeconds?: number;
  url?: string;
  /** Ended instances: when it was seen to exit (ISO 8601); ended and orphaned ones: the envelopes the Control Center holds. */
  exitedAt?: string;
  events?: number;
}

/** GET /api/instances/current: an instance, or a plain (Control Center) sidecar. */
export type CurrentInfo = (Instance & { controlCenter?: false }) | { controlCenter: true; port: number; pid: number };
