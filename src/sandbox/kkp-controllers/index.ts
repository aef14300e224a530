/** The sandbox's stand-ins for KKP's controllers: the status KKP would write, and fault annotations to hold a state. */
export { DEFAULT_CONTROLLER_DELAY_MS, KKP_CONTROLLERS_MANAGER, startKkpControllers, type KkpControllers, type KkpControllersOptions, type KkpControllersTargets } from './start-kkp-controllers.js';
export { HEALTH_FAULT_ANNOTATION, healthFaultOf, type HealthFault } from './health-fault.js';
export { ESSENTIAL_COMPONENTS, HEALTH_COMPONENTS, enabledComponents, type HealthComponent } from './cluster-components.js';
export { desiredClusterStatus, isInitialized, pendingTransition } from './cluster-status.js';
export { desiredSeedStatus } from './seed-status.js';
export { waitForObject, WaitTimeoutError, type WaitForObjectOptions } from './wait-for-object.js';
export { sandboxHealth, type HealthLine } from './sandbox-health.js';
