import { immutableFieldRule } from '../immutable-changes.js';

export const changeUserProject = immutableFieldRule({
  id: 'change/user-project',
  kind: 'User',
  description: "A (service account) User's spec.project does not change (KKP: pkg/validation/user.go ValidateUserUpdate).",
  before: (base, name) => base.users.get(name),
  message: (name) => `project of User "${name}" cannot change`,
  hint: 'A service account belongs to one project: add a new one in the other project and remove this one.',
});
