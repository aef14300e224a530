/** The sandbox: a KKP master and seeds on the Kubernetes API emulator. */
export { MASTER, SANDBOX_MANAGER, seedKubeconfigSecretName, startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.js';
export { type Kubeconfig, kubeconfigYaml, sandboxKubeconfig } from './sandbox-kubeconfig.js';
export { CLUSTER_DEFAULTS, clusterAdmission, defaultCluster, KKP_DEFAULTING_MANAGER, seedAdmission } from './kkp-admission.js';
export { defaultSeedNames } from './example-seeds.js';
export { kkpCrd, kkpCrds, KKP_GROUP } from './kkp-crds.js';
export { SANDBOX_ADMIN_EXTENSION, startSandboxAdmin, type FaultCommand, type FaultState, type SandboxAdmin } from './sandbox-admin.js';
export * from './kkp-controllers/index.js';
