import type { Rule } from '../rule.js';
import { bindingGroupDuplicate } from './binding-group-duplicate.js';
import { changeClusterExternalCcm } from './change-cluster-external-ccm.js';
import { clusterCniVersion } from './cluster-cni-version.js';
import { clusterDnsDomain } from './cluster-dns-domain.js';
import { clusterGcpDualStack } from './cluster-gcp-dual-stack.js';
import { clusterKonnectivity } from './cluster-konnectivity.js';
import { clusterMachineNetworks } from './cluster-machine-networks.js';
import { clusterProxyMode } from './cluster-proxy-mode.js';
import { userAdminGlobalViewer } from './user-admin-global-viewer.js';
import { userServiceAccount } from './user-service-account.js';
import { bindingGroupFormat } from './binding-group-format.js';
import { bindingProjectExists } from './binding-project-exists.js';
import { bindingUserExists } from './binding-user-exists.js';
import { changeClusterCniMigration } from './change-cluster-cni-migration.js';
import { changeClusterCniUpgrade } from './change-cluster-cni-upgrade.js';
import { changeClusterExposeStrategy } from './change-cluster-expose-strategy.js';
import { changeClusterImmutableField } from './change-cluster-immutable-field.js';
import { changeClusterProjectId } from './change-cluster-project-id.js';
import { changeClusterVersion } from './change-cluster-version.js';
import { changeDatacenterMoved } from './change-datacenter-moved.js';
import { changeDatacenterProvider } from './change-datacenter-provider.js';
import { changeDatacenterRemoved } from './change-datacenter-removed.js';
import { changeSeedDeleted } from './change-seed-deleted.js';
import { changeSshKeyProject } from './change-ssh-key-project.js';
import { changeUserEmail } from './change-user-email.js';
import { changeUserProject } from './change-user-project.js';
import { clusterAllowedIpRanges } from './cluster-allowed-ip-ranges.js';
import { clusterCidrCount } from './cluster-cidr-count.js';
import { clusterCidrFamily } from './cluster-cidr-family.js';
import { clusterDatacenterExists } from './cluster-datacenter-exists.js';
import { clusterIpFamily } from './cluster-ip-family.js';
import { clusterNodeCidrMask } from './cluster-node-cidr-mask.js';
import { clusterProjectExists } from './cluster-project-exists.js';
import { clusterProviderMatches } from './cluster-provider-matches.js';
import { clusterProviderName } from './cluster-provider-name.js';
import { clusterTunnelingAgentIp } from './cluster-tunneling-agent-ip.js';
import { clusterVersionAllowed } from './cluster-version-allowed.js';
import { clusterName } from './cluster-name.js';
import { clusterProviderIncompatible } from './cluster-provider-incompatible.js';
import { credentialsInline } from './credentials-inline.js';
import { datacenterOneProvider } from './datacenter-one-provider.js';
import { datacenterKubevirtOs } from './datacenter-kubevirt-os.js';
import { datacenterSeedExists } from './datacenter-seed-exists.js';
import { datacenterUniqueName } from './datacenter-unique-name.js';
import { editionCommunitySeeds } from './edition-community-seeds.js';
import { objectDuplicate } from './object-duplicate.js';
import { repositoryNoSecret } from './repository-no-secret.js';
import { seedAllowedIpRanges } from './seed-allowed-ip-ranges.js';
import { seedEtcdBackupDestination } from './seed-etcd-backup-destination.js';
import { seedKubeconfigReference } from './seed-kubeconfig-reference.js';
import { seedAuthenticationConfiguration } from './seed-authentication-configuration.js';
import { seedEnvoyConnectionSettings } from './seed-envoy-connection-settings.js';
import { seedNamespace } from './seed-namespace.js';
import { sshKeyClusterExists } from './ssh-key-cluster-exists.js';
import { sshKeyProjectExists } from './ssh-key-project-exists.js';
import { userUniqueEmail } from './user-unique-email.js';

/** Every cross-object rule, as a table. `validateRepository` runs them all; ids are unique. */
export const RULES: readonly Rule[] = [
  // Datacenters and seeds
  datacenterUniqueName,
  datacenterOneProvider,
  datacenterKubevirtOs,
  datacenterSeedExists,
  seedKubeconfigReference,
  seedNamespace,
  seedAllowedIpRanges,
  seedEtcdBackupDestination,
  seedAuthenticationConfiguration,
  seedEnvoyConnectionSettings,
  editionCommunitySeeds,
  // Clusters
  clusterName,
  clusterDatacenterExists,
  clusterProviderMatches,
  clusterProviderName,
  clusterProjectExists,
  clusterVersionAllowed,
  clusterProviderIncompatible,
  clusterCidrCount,
  clusterCidrFamily,
  clusterIpFamily,
  clusterDnsDomain,
  clusterProxyMode,
  clusterKonnectivity,
  clusterCniVersion,
  clusterGcpDualStack,
  clusterMachineNetworks,
  clusterNodeCidrMask,
  clusterAllowedIpRanges,
  clusterTunnelingAgentIp,
  credentialsInline,
  // Projects, users, bindings, SSH keys
  bindingProjectExists,
  bindingUserExists,
  bindingGroupFormat,
  bindingGroupDuplicate,
  userUniqueEmail,
  userAdminGlobalViewer,
  userServiceAccount,
  sshKeyProjectExists,
  sshKeyClusterExists,
  // The repository as a whole
  objectDuplicate,
  repositoryNoSecret,
  // Changes against a base revision
  changeClusterImmutableField,
  changeClusterExposeStrategy,
  changeClusterCniMigration,
  changeClusterCniUpgrade,
  changeClusterVersion,
  changeClusterProjectId,
  changeClusterExternalCcm,
  changeUserEmail,
  changeUserProject,
  changeSshKeyProject,
  changeDatacenterProvider,
  changeDatacenterRemoved,
  changeSeedDeleted,
  changeDatacenterMoved,
];
