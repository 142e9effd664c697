/** A job's identity: all four parts are required (Chaconne's JobKey). */
export interface JobKey {
  clusterName: string;
  groupName: string;
  jobName: string;
  jobClassName: string;
}

/** `cluster.group.jobName@jobClassName`, the readable form used in logs. */
export function formatJobKey(key: JobKey): string {
  return `${key.clusterName}.${key.groupName}.${key.jobName}@${key.jobClassName}`;
}

/** Chaconne's JobKey identifier: Base64 of {@link formatJobKey}, used in console URLs. */
export function jobKeyIdentifier(key: JobKey): string {
  // btoa and TextEncoder exist in browsers and in Node alike.
  const bytes = new TextEncoder().encode(formatJobKey(key));
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
}
