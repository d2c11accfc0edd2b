import type { HostInfo } from '../../../main/api/requests.js';
import { MEMORY_LIMITS_MIB, type Engine } from '../../../main/api/vm-settings.js';
import { formatNumber, t } from '../i18n/index.js';
import { Field } from './Field.js';
import { NumberInput } from './NumberInput.js';

interface MemoryFieldProps {
  value: number;
  onChange: (mib: number) => void;
  engine: Engine;
  host: HostInfo | null;
  error?: string | null;
  disabled?: boolean;
}

/** Memory in MiB: a number and a slider over what the engine allows, with the host's free memory beside. */
export function MemoryField({ value, onChange, engine, host, error, disabled }: MemoryFieldProps) {
  const { min, max } = MEMORY_LIMITS_MIB[engine];
  const sliderMax = host ? Math.max(min, Math.min(max, host.memory.totalMiB)) : max;
  const outOfRange = value < min || value > max;
  const tooMuch = host !== null && value > host.memory.freeMiB;
  const hint = (
    <>
      <div>{t('memory.limits', { engine, min: formatNumber(min), max: formatNumber(max) })}</div>
      {host && <div>{t('memory.host', { free: formatNumber(host.memory.freeMiB), total: formatNumber(host.memory.totalMiB) })}</div>}
      {tooMuch && !outOfRange && <div className="warning-text">{t('memory.tooMuch')}</div>}
    </>
  );
  const problem = error ?? (outOfRange ? t('memory.outOfRange', { min: formatNumber(min), max: formatNumber(max) }) : null);
  return (
    <Field label={t('field.memory')} error={problem} hint={hint}>
      {(control) => (
        <div className="memory-field">
          <input
            type="range"
            aria-label={t('memory.slider')}
            min={min}
            max={sliderMax}
            step={min <= 16 ? 4 : 16}
            value={Math.min(value, sliderMax)}
            disabled={disabled}
            onChange={(e) => onChange(Number(e.target.value))}
          />
          <NumberInput {...control} className="memory-number" min={min} max={max} value={value} onChange={onChange} disabled={disabled} />
          <span className="unit">{t('unit.mib')}</span>
        </div>
      )}
    </Field>
  );
}
