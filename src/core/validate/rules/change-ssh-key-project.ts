import { immutableFieldRule } from '../immutable-changes.js';

export const changeSshKeyProject = immutableFieldRule({
  id: 'change/ssh-key-project',
  kind: 'UserSSHKey',
  description: "A UserSSHKey's spec.project does not change.",
  before: (base, name) => base.sshKeys.get(name),
  message: (name) => `project of UserSSHKey "${name}" cannot change`,
  hint: 'Add a new UserSSHKey in the other project instead, and remove this one if it is no longer needed.',
});
