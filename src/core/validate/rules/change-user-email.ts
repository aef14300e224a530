import { immutableFieldRule } from '../immutable-changes.js';

export const changeUserEmail = immutableFieldRule({
  id: 'change/user-email',
  kind: 'User',
  description: "A User's spec.email does not change, compared exactly: a change of case is a change (KKP: pkg/validation/user.go).",
  before: (base, name) => base.users.get(name),
  message: (name) => `e-mail of User "${name}" cannot change`,
  hint: 'KKP identifies users by e-mail: keep it, or add a new User with the new e-mail and remove the old one.',
});
