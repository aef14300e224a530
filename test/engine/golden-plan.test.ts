import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRepository } from '../../src/core/validate/validate-repository.js';
import { computePlan } from '../../src/core/plan/compute-plan.js';
import { renderDesiredState } from '../../src/core/render/render-desired-state.js';
import { renderReport } from '../../src/core/report/render-report.js';
import { expectGolden } from './support/golden.js';
import { loadPlanFixture } from './support/load-fixture.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'plan');
const CASES = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

// The static plan, before the API servers' dry-run refines it (`dry-run-plan.ts`): fields KKP defaulted on a live
// object that kkp-gitops' apply owns show as removals here when Git changed the object; the dry-run's answer
// (the server re-defaults them) drops those that would not change (see test/engine/dry-run-plan.test.ts).
describe('plan golden cases (test/fixtures/plan/<case>: repo, live objects, expected reports)', () => {
  it.each(CASES)('%s: plans the changes written in expected.md, expected.txt and expected.json', async (name) => {
    const fixture = await loadPlanFixture(join(FIXTURES, name), name);
    expect(validateRepository(fixture.repo).filter((d) => d.severity === 'error')).toEqual([]);
    const desired = renderDesiredState(fixture.repo, { repository: fixture.repo.config.repository ?? 'test' });
    const plan = computePlan(desired, fixture.live, fixture.options);
    expectGolden(renderReport(plan, { format: 'markdown' }), join(fixture.dir, 'expected.md'));
    expectGolden(renderReport(plan, { format: 'text' }), join(fixture.dir, 'expected.txt'));
    expectGolden(renderReport(plan, { format: 'json' }), join(fixture.dir, 'expected.json'));
  });

  it('renders the desired state written in create-everything/desired.json', async () => {
    const fixture = await loadPlanFixture(join(FIXTURES, 'create-everything'), 'create-everything');
    const desired = renderDesiredState(fixture.repo, { repository: 'acme/kkp-config' });
    expectGolden(`${JSON.stringify(desired, null, 2)}\n`, join(fixture.dir, 'desired.json'));
  });
});
