import type { PolicyRef } from '../../../../../contract/models';
import type { AssetOnlineState } from '../online-state-repo';

// A policy change in the middle of a live stream. The window is the
// model's and stays: no reading is lost and no score changes. The alarm's
// run counters were counted against the old levels, so they start again:
// an alarm that is on stays on until the new exit rule clears it (an
// operator who made the policy calmer sees one clear, not a flap), and an
// alarm that is off needs the new enter delay in full before it is raised
// (a keener policy does not page at once on a run counted under the old).

export function samePolicy(a: PolicyRef | undefined, b: PolicyRef): boolean {
  return (a?.policy_id ?? null) === b.policy_id && (a?.policy_revision ?? null) === b.policy_revision;
}

/** The state carried over to `policy`, whose threshold is `threshold`. */
export function rebaseOnPolicy(st: AssetOnlineState, policy: PolicyRef, threshold: number): AssetOnlineState {
  const scorer = st.scorer ? { ...st.scorer, threshold, above: 0, below: 0 } : null;
  return { ...st, policy, scorer };
}
