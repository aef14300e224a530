import { diagnosticAt } from '../diagnostic-at.js';
import type { Rule } from '../rule.js';

const id = 'edition/community-seeds';

/** The only seed name the Community Edition accepts. */
export const COMMUNITY_SEED_NAME = 'kubermatic';

export const editionCommunitySeeds: Rule = {
  id,
  description: `With edition: community (kkp-gitops.yaml), the repository has one Seed only, named "${COMMUNITY_SEED_NAME}".`,
  check({ head }) {
    if (head.repo.config.edition !== 'community') return [];
    const seeds = head.documentsOf('Seed');
    return seeds.flatMap((seed, index) => {
      if (seed.name !== COMMUNITY_SEED_NAME) {
        return [
          diagnosticAt(seed, '/metadata/name', {
            rule: id,
            message: `seed "${seed.name}" is not allowed in the Community Edition, which accepts one seed named "${COMMUNITY_SEED_NAME}"`,
            hint: `Rename the seed to "${COMMUNITY_SEED_NAME}", or set edition: enterprise in kkp-gitops.yaml if you run the Enterprise Edition.`,
          }),
        ];
      }
      if (seeds.findIndex((s) => s.name === COMMUNITY_SEED_NAME) !== index) {
        return [
          diagnosticAt(seed, '/metadata/name', {
            rule: id,
            message: `the Community Edition accepts one seed only; this is seed number ${index + 1}`,
            hint: 'Keep one Seed named "kubermatic", or set edition: enterprise in kkp-gitops.yaml.',
          }),
        ];
      }
      return [];
    });
  },
};
