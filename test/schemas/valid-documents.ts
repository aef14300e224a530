/** One valid document of every kind with a schema, as YAML text, for the schema tests to pass and to break. */
export const VALID: Readonly<Record<string, string>> = {
  Seed: `apiVersion: kubermatic.k8c.io/v1
kind: Seed
metadata:
  name: seed-eu
  namespace: kubermatic
spec:
  country: DE
  location: Frankfurt
  kubeconfig:
    name: kubeconfig-seed-eu
    namespace: kubermatic
  exposeStrategy: LoadBalancer
  defaultAPIServerAllowedIPRanges: [10.0.0.0/8, "fd00::/8"]
  datacenters:
    do-ams1:
      country: NL
      location: Amsterdam
      spec:
        digitalocean:
          region: ams1
`,
  Datacenter: `apiVersion: gitops.kkp.dev/v1alpha1
kind: Datacenter
metadata:
  name: gcp-us-east1
spec:
  seed: seed-us
  country: US
  location: South Carolina
  node:
    httpProxy: http://proxy.example.com:3128
    registryMirrors: [mirror.example.com]
  spec:
    gcp:
      region: us-east1
      zoneSuffixes: [b, c, d]
      regional: true
    enforceAuditLogging: true
`,
  Cluster: `apiVersion: kubermatic.k8c.io/v1
kind: Cluster
metadata:
  name: shop-prod
  labels:
    project-id: webshop7k2q
    team: checkout
spec:
  humanReadableName: Shop production
  version: 1.35.7
  exposeStrategy: NodePort
  cloud:
    dc: aws-eu-central-1
    providerName: aws
    aws:
      credentialsReference:
        name: credential-aws-webshop7k2q
        namespace: kubermatic
  clusterNetwork:
    ipFamily: IPv4
    dnsDomain: cluster.local
    proxyMode: ipvs
    pods:
      cidrBlocks: [172.25.0.0/16]
    services:
      cidrBlocks: [10.240.16.0/20]
  cniPlugin:
    type: cilium
    version: 1.16.6
`,
  Project: `apiVersion: kubermatic.k8c.io/v1
kind: Project
metadata:
  name: webshop7k2q
spec:
  name: Web shop
`,
  User: `apiVersion: kubermatic.k8c.io/v1
kind: User
metadata:
  name: alice
spec:
  name: Alice Example
  email: alice@example.com
  admin: false
`,
  UserProjectBinding: `apiVersion: kubermatic.k8c.io/v1
kind: UserProjectBinding
metadata:
  name: webshop7k2q-alice
spec:
  userEmail: alice@example.com
  projectID: webshop7k2q
  group: owners-webshop7k2q
`,
  GroupProjectBinding: `apiVersion: kubermatic.k8c.io/v1
kind: GroupProjectBinding
metadata:
  name: webshop7k2q-sre
spec:
  group: sre
  projectID: webshop7k2q
  role: editors
`,
  UserSSHKey: `apiVersion: kubermatic.k8c.io/v1
kind: UserSSHKey
metadata:
  name: alice-laptop
spec:
  name: alice laptop
  project: webshop7k2q
  publicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICvYBsl/DgCvGh/DMo+nY6kmlyPI24+sT5OvcdsYbW6Q alice@example.com
  clusters: [shop-prod]
`,
  KubermaticConfiguration: `apiVersion: kubermatic.k8c.io/v1
kind: KubermaticConfiguration
metadata:
  name: kubermatic
  namespace: kubermatic
spec:
  ingress:
    domain: kkp.example.com
  versions:
    versions: [1.35.7, v1.36.3]
    default: 1.35.7
    updates:
      - from: 1.35.*
        to: 1.36.*
        automatic: false
    providerIncompatibilities:
      - provider: vsphere
        version: 1.36.*
        condition: inTreeProvider
        operation: CREATE
`,
};
