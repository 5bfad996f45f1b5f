import type { Migration } from '../../../platform/migrate';

// Alarm policies, stored apart from the models so that changing how
// sensitive an asset's alarm is needs no retraining (contract/models-policy.ts).
// - alarm_policies: the policy in force per asset; a NULL setting is the
//   model's calibrated value.
// - alarm_policy_revisions: every change, deletions included, numbered per
//   asset and never reused, so the revision a score names can always be
//   looked up; with the seq of the alarm_policy.changed event that
//   announced it, so online scoring that replays readings stored before a
//   change decides them under the revision then in force.
// The bounds repeat the contract's, so no path around the API stores a
// value that would disable an alarm. Nothing existing moves: without a
// policy, scoring is exactly what it was.

const SETTINGS = `
  threshold_factor REAL CHECK (threshold_factor IS NULL OR (threshold_factor > 0 AND threshold_factor <= 100)),
  enter_steps INTEGER CHECK (enter_steps IS NULL OR (enter_steps BETWEEN 1 AND 10000)),
  immediate_ratio REAL CHECK (immediate_ratio IS NULL OR (immediate_ratio >= 1 AND immediate_ratio <= 1000)),
  exit_steps INTEGER CHECK (exit_steps IS NULL OR (exit_steps BETWEEN 1 AND 10000)),
  exit_ratio REAL CHECK (exit_ratio IS NULL OR (exit_ratio > 0 AND exit_ratio <= 1))`;

export const alarmPolicies: Migration = {
  version: 13,
  name: 'alarm-policies',
  up(db) {
    db.exec(`
      CREATE TABLE alarm_policies (
        asset_id TEXT PRIMARY KEY,
        policy_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        ${SETTINGS},
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      );

      CREATE TABLE alarm_policy_revisions (
        asset_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        policy_id TEXT,
        change TEXT NOT NULL CHECK (change IN ('set', 'deleted')),
        ${SETTINGS},
        changed_at INTEGER NOT NULL,
        changed_by TEXT,
        seq INTEGER NOT NULL,
        PRIMARY KEY (asset_id, revision),
        CHECK ((change = 'set') = (policy_id IS NOT NULL))
      );
      CREATE INDEX alarm_policy_revisions_seq ON alarm_policy_revisions(asset_id, seq);
    `);
  },
};
