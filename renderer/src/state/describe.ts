import type { BootDevice, ComMode, ComPort, Drive, Engine, IdeSlot, OsPreset } from '../../../main/api/vm-settings.js';
import { t, type MessageKey } from '../i18n/index.js';

/** Words for settings values, shared by the summary, the wizard's summary and the settings dialog. */

export const presetLabel = (p: OsPreset) => t(`preset.${p}` as MessageKey);
export const slotLabel = (s: IdeSlot) => t(`slot.${s}` as MessageKey);
export const comModeLabel = (m: ComMode) => t(`com.mode.${m}` as MessageKey);
export const bootLabel = (d: BootDevice) => t(`boot.${d}` as MessageKey);
export const engineLabel = (e: Engine) => t(`engine.${e}` as MessageKey);

export function describeDrive(d: Drive | null): string {
  if (!d) return t('drive.none');
  if (d.kind === 'disk') return d.path;
  return d.path ? t('drive.cdWith', { path: d.path }) : t('drive.cdEmpty');
}

export function describeCom(port: ComPort, endpoint: string | null): string {
  const mode = comModeLabel(port.mode);
  const where = endpoint ?? ('path' in port ? port.path : null);
  return where ? `${mode} — ${where}` : mode;
}
