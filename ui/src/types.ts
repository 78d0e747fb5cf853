// Shapes of the Control Center API (the event model is in api/types.ts).

export type InstanceStatus = 'healthy' | 'unresponsive' | 'orphaned' | 'dead';

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
}

/** GET /api/instances/current: an instance, or a plain (Control Center) sidecar. */
export type CurrentInfo = (Instance & { controlCenter?: false }) | { controlCenter: true; port: number; pid: number };
