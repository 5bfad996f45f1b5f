// Alarm policy panel of the Models tab.

export const policy = {
  title: 'Alarm policy of {{asset}}',
  intro: 'How readily this asset’s anomaly alarm is raised and cleared. It applies from the next reading, without retraining the model. An empty setting uses the model’s calibrated value.',
  loadFailed: 'Could not load the alarm policy',
  noModel: 'No anomaly model serves this asset yet: the settings apply once one is trained.',
  none: 'No policy is set: the model’s calibration applies.',
  revision: 'Revision {{revision}}, saved {{time}} by {{by}}.',
  revisionBySystem: 'Revision {{revision}}, saved {{time}}.',
  thresholdInUse: 'Threshold in use: {{threshold}} (model’s: {{model}}).',
  needsOperate: 'This key can look at the alarm policy. Changing it needs a key with the operate scope.',
  modelValue: 'Model’s value: {{value}}',
  modelValueNone: 'No model value yet',
  fromPolicy: 'Set by the policy',
  fromModel: 'Model’s value in use',
  field: {
    threshold_factor: {
      label: 'Threshold factor',
      hint: 'Multiplies the model’s threshold: above 1 alarms less, below 1 more. Above 0, at most 100.',
    },
    enter_steps: {
      label: 'Enter delay (readings)',
      hint: 'Readings in a row above the threshold before the alarm is raised. 1 to 10000.',
    },
    immediate_ratio: {
      label: 'Immediate alarm at (× threshold)',
      hint: 'A score this many times the threshold raises the alarm at once. 1 to 1000.',
    },
    exit_steps: {
      label: 'Exit delay (readings)',
      hint: 'Readings in a row below the exit level before the alarm clears. 1 to 10000.',
    },
    exit_ratio: {
      label: 'Exit level (share of the threshold)',
      hint: 'The hysteresis: the alarm clears below this share of the threshold. Above 0, at most 1.',
    },
  },
  invalid: {
    number: 'Enter a number, or leave it empty for the model’s value.',
    whole: 'Enter a whole number of readings.',
    range: 'Out of range: see the limits below.',
  },
  save: 'Save policy',
  clear: 'Use model values',
  reset: 'Reset to model defaults',
  resetUnavailable: 'No policy is set.',
  confirmSave: 'Save these changes to the alarm policy of {{asset}}?',
  confirmReset: 'Remove the alarm policy of {{asset}}? Every setting returns to the model’s value.',
  confirmSaveButton: 'Save',
  confirmResetButton: 'Reset',
  noChanges: 'Nothing changes: the policy is saved as it is.',
  change: '{{field}}: {{from}} → {{to}}',
  modelMark: 'model’s ({{value}})',
  saved: 'The alarm policy of {{asset}} is saved as revision {{revision}}. Alarms use it from the next reading.',
  resetDone: 'The alarm policy of {{asset}} is removed: the model’s calibration applies.',
  changes: 'What changed:',
  saveFailed: 'The alarm policy was not saved',
};
