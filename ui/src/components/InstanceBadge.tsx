// Which instance a record of the Control Center's merged copy came from.

import type { InstanceLabel } from '../api/types';

/** project@port, or direct@port for what SDKs sent to the Control Center itself (as `spotlight tail --all-instances` prints it). */
export function instanceName(l: InstanceLabel): string {
  return `${l.id === 'home' || !l.project ? 'direct' : l.project}@${l.port}`;
}

export function InstanceBadge({ instance }: { instance?: InstanceLabel }) {
  if (!instance) return null;
  return (
    <span className="badge badge-instance" data-testid="instance-label" title={instance.id === 'home' ? 'sent to the Control Center directly' : `instance ${instance.id}`}>
      {instanceName(instance)}
    </span>
  );
}
