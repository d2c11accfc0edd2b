import { COM_MODES, type ComMode, type ComPort } from '../../../main/api/vm-settings.js';
import { Field } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { comModeLabel } from '../state/describe.js';
import type { SettingsPageProps } from './pages.js';

function portOf(mode: ComMode, path: string): ComPort {
  return mode === 'socket' || mode === 'file' ? { mode, path } : { mode };
}

/** COM1 and COM2: where each leads, and where it can be reached now while the VM runs. */
export function ComPage({ draft, set, errorFor, live }: SettingsPageProps) {
  const put = (i: 0 | 1, port: ComPort) => set({ com: i === 0 ? [port, draft.com[1]] : [draft.com[0], port] });
  return (
    <>
      <p className="page-intro muted">{t('settings.com.intro')}</p>
      {([0, 1] as const).map((i) => {
        const port = draft.com[i];
        const path = 'path' in port ? port.path : '';
        const endpoint = live?.comEndpoints[i] ?? null;
        return (
          <div className="slot" key={i}>
            <Field label={`COM${i + 1}`} error={'path' in port ? null : errorFor(`com.${i}`)} hint={endpoint ? t('settings.com.now', { where: endpoint }) : undefined}>
              {(c) => (
                <select {...c} value={port.mode} onChange={(e) => put(i, portOf(e.target.value as ComMode, path))}>
                  {COM_MODES.map((m) => (
                    <option key={m} value={m}>
                      {comModeLabel(m)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {'path' in port && (
              <Field label={t(port.mode === 'socket' ? 'field.socketPath' : 'field.filePath', { port: `COM${i + 1}` })} error={errorFor(`com.${i}`)} hint={t(`settings.com.${port.mode}Hint`)}>
                {(c) => <input {...c} value={path} spellCheck={false} onChange={(e) => put(i, portOf(port.mode, e.target.value))} />}
              </Field>
            )}
          </div>
        );
      })}
    </>
  );
}
