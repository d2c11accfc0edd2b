import { t } from '../i18n/index.js';

/** A small bar for the host CPU the VM uses (percent of one core). */
export function CpuMeter({ percent, perProcessor }: { percent: number; perProcessor?: number[] | null }) {
  const shown = Math.round(percent);
  const each = perProcessor && perProcessor.length > 0 ? `\n${perProcessor.map((p, i) => t('vm.vcpuTitle', { n: i + 1, percent: Math.round(p) })).join('\n')}` : '';
  return (
    <span className="cpu-meter" title={t('vm.cpuTitle', { percent: shown }) + each}>
      <span className="cpu-bar" aria-hidden="true">
        <span className="cpu-fill" style={{ width: `${Math.min(100, Math.max(2, shown))}%` }} />
      </span>
      <span className="cpu-text">{t('vm.cpu', { percent: shown })}</span>
    </span>
  );
}
