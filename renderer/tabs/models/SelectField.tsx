import type { SensorWire } from '../../../contract/sensors';

export { SelectField } from '../../components/Field';

/** Sensors grouped by asset, so a long list reads like the plant. */
export function SensorOptions({ sensors, noAsset }: { sensors: readonly SensorWire[]; noAsset: string }) {
  const groups = new Map<string, SensorWire[]>();
  for (const s of sensors) {
    const key = s.asset_id ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return (
    <>
      {[...groups.entries()]
        .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
        .map(([asset, list]) => (
          <optgroup key={asset || '-'} label={asset || noAsset}>
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.sensor_type ? `${s.id} (${s.sensor_type})` : s.id}
              </option>
            ))}
          </optgroup>
        ))}
    </>
  );
}
