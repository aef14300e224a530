import { stringAt } from '../../model/plain-data.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'user/service-account';

/** KKP's prefix of project service accounts' User names and e-mails (sdk/apis/kubermatic/v1/helper/user.go). */
export const SERVICE_ACCOUNT_PREFIX = 'serviceaccount-';
/** The label a service account User is created with (`ServiceAccountInitialGroupLabel`). */
export const INITIAL_GROUP_LABEL = 'initialGroup';

export const userServiceAccount: Rule = {
  id,
  description:
    "A User named serviceaccount-… references a project and has a serviceaccount-… e-mail (and, when new, an initialGroup label); any other User has neither (KKP: pkg/validation/user.go ValidateUser, ValidateUserCreate).",
  check({ head, base }) {
    return head.documentsOf('User').flatMap((user) => {
      const email = stringAt(user.value, 'spec', 'email') ?? '';
      const project = stringAt(user.value, 'spec', 'project') ?? '';
      const serviceAccountEmail = email.startsWith(SERVICE_ACCOUNT_PREFIX);
      const finding = (pointer: string, message: string, hint: string) => diagnosticAt(user, pointer, { rule: id, message: `User "${user.name}": ${message}`, hint });
      if (!user.name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
        return [
          ...(project !== '' ? [finding('/spec/project', 'a regular user must not set a project reference', `Only service accounts (Users named ${SERVICE_ACCOUNT_PREFIX}…) belong to a project: remove spec.project.`)] : []),
          ...(serviceAccountEmail ? [finding('/spec/email', `a regular user must not have an e-mail address starting with "${SERVICE_ACCOUNT_PREFIX}"`, `Name the User ${SERVICE_ACCOUNT_PREFIX}… if it is a service account, else correct the e-mail.`)] : []),
        ];
      }
      // The label is checked when the User is created: with a base, a User it does not have yet.
      const created = base !== undefined && !base.users.has(user.name);
      return [
        ...(project === '' ? [finding('/spec', 'a service account must reference a project', 'Set spec.project to the ID of the project it belongs to.')] : []),
        ...(!serviceAccountEmail ? [finding('/spec/email', `a service account must have an e-mail address starting with "${SERVICE_ACCOUNT_PREFIX}"`, `KKP writes ${SERVICE_ACCOUNT_PREFIX}<id>@localhost.`)] : []),
        ...(created && stringAt(user.value, 'metadata', 'labels', INITIAL_GROUP_LABEL) === undefined
          ? [finding('/metadata', `a new service account must define its group with an "${INITIAL_GROUP_LABEL}" label`, `Add metadata.labels.${INITIAL_GROUP_LABEL}, e.g. editors-<projectID>.`)]
          : []),
      ];
    });
  },
};
