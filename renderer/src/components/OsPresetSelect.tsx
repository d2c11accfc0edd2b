import { OS_PRESETS, type OsPreset } from '../../../main/api/vm-settings.js';
import { presetLabel } from '../state/describe.js';
import type { ControlProps } from './Field.js';

/** The operating-system preset picker, the same in the wizard and in Settings. */
export function OsPresetSelect({ control, value, onChange }: { control: ControlProps; value: OsPreset; onChange: (p: OsPreset) => void }) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value as OsPreset)}>
      {OS_PRESETS.map((p) => (
        <option key={p} value={p}>
          {presetLabel(p)}
        </option>
      ))}
    </select>
  );
}
