// The exception types of the held errors (GET /api/error-types), for the
// errors list's type filter (?type= of GET /api/errors).

import { getJson } from './http';

export interface TypeCount {
  type: string;
  count: number;
}

export function fetchErrorTypes(base: string): Promise<TypeCount[]> {
  return getJson(`${base}/api/error-types`);
}
