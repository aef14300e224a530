/** The Kubernetes API emulator: virtual clusters served over HTTP on loopback. */
export { startEmulator, DEFAULT_NAMESPACES, type EmulatedCluster, type EmulatorOptions } from './start-emulator.js';
export { VirtualCluster, type WriteOptions, type WriteResult, type DeleteOptions, type ListOptions, type PatchType, type FieldValidation } from './virtual-cluster.js';
export type { AdmissionPlugin, AdmissionRequest, AdmissionOperation } from './admission.js';
export { ApiError, type Status, type StatusCause, type FieldError } from './api-status.js';
export { FaultController, NO_FAULTS, type FaultSettings, type FailureStatus } from './faults.js';
export { RequestLog, type RequestRecord } from './request-log.js';
export type { KubeObject, ObjectMeta } from './kube-object.js';
export { BUILTIN_RESOURCES, NAMESPACES, SECRETS, CONFIG_MAPS, LEASES, CRDS, type ResourceType } from './resource-type.js';
