import { IDE_SLOTS, type Drive, type IdeSlot } from '../../../main/api/vm-settings.js';
import { Field, FieldError } from '../components/Field.js';
import { PathField } from '../files/PathField.js';
import { t } from '../i18n/index.js';
import { slotLabel } from '../state/describe.js';
import type { SettingsPageProps } from './pages.js';
import { UndoDisksSetting } from './UndoDisksSetting.js';

type Kind = 'none' | Drive['kind'];

function driveOf(kind: Kind, path: string): Drive | null {
  if (kind === 'none') return null;
  return kind === 'disk' ? { kind, path } : { kind, path: path || null };
}

/** The four IDE positions, each empty, a hard disk file, or a CD-ROM drive; and the undo disks. */
export function DisksPage(props: SettingsPageProps) {
  const { draft, set, errorFor } = props;
  const put = (slot: IdeSlot, drive: Drive | null) => set({ ide: { ...draft.ide, [slot]: drive } });
  // A refusal about the drives as a whole (the undo disks hold changes to them), not one position.
  const wholeError = IDE_SLOTS.some((slot) => errorFor(`ide.${slot}`)) ? null : errorFor('ide');
  return (
    <>
      {wholeError && <FieldError text={wholeError} />}
      {IDE_SLOTS.map((slot) => {
        const drive = draft.ide[slot];
        const kind: Kind = drive?.kind ?? 'none';
        const path = drive?.path ?? '';
        return (
          <div className="slot" key={slot}>
            <Field label={slotLabel(slot)} error={drive ? null : errorFor(`ide.${slot}`)}>
              {(c) => (
                <select {...c} value={kind} onChange={(e) => put(slot, driveOf(e.target.value as Kind, path))}>
                  <option value="none">{t('drive.kind.none')}</option>
                  <option value="disk">{t('drive.kind.disk')}</option>
                  <option value="cdrom">{t('drive.kind.cdrom')}</option>
                </select>
              )}
            </Field>
            {drive && (
              <PathField
                label={t(drive.kind === 'disk' ? 'field.diskFileOf' : 'field.imageFileOf', { slot: slotLabel(slot) })}
                value={path}
                filter={drive.kind === 'disk' ? 'hardDisk' : 'cdImage'}
                chooserTitle={t(drive.kind === 'disk' ? 'files.title.hardDisk' : 'files.title.cdImage')}
                browseLabel={t('common.browseFor', { what: slotLabel(slot) })}
                clearable={drive.kind === 'cdrom'}
                hint={drive.kind === 'cdrom' ? t('settings.disks.cdHint') : t('settings.disks.diskHint')}
                error={errorFor(`ide.${slot}`)}
                onChange={(p) => put(slot, driveOf(kind, p))}
              />
            )}
          </div>
        );
      })}
      <UndoDisksSetting {...props} />
    </>
  );
}

/** The CD/DVD drive's disc: an ISO image, or empty. */
export function CdPage({ draft, set, errorFor }: SettingsPageProps) {
  const slot = IDE_SLOTS.find((s) => draft.ide[s]?.kind === 'cdrom');
  const free = IDE_SLOTS.find((s) => !draft.ide[s]);
  if (!slot)
    return (
      <>
        <p className="muted">{t('settings.cd.noDrive')}</p>
        {free && (
          <button type="button" onClick={() => set({ ide: { ...draft.ide, [free]: { kind: 'cdrom', path: null } } })}>
            {t('settings.cd.addDrive', { slot: slotLabel(free) })}
          </button>
        )}
      </>
    );
  return (
    <PathField
      label={t('field.cdImage')}
      value={draft.ide[slot]?.path ?? ''}
      filter="cdImage"
      chooserTitle={t('files.title.cdImage')}
      hint={t('settings.cd.where', { slot: slotLabel(slot) })}
      error={errorFor(`ide.${slot}`)}
      clearable
      onChange={(p) => set({ ide: { ...draft.ide, [slot]: { kind: 'cdrom', path: p || null } } })}
    />
  );
}

export function FloppyPage({ draft, set, errorFor }: SettingsPageProps) {
  return (
    <PathField
      label={t('field.floppy')}
      value={draft.floppy ?? ''}
      filter="floppy"
      chooserTitle={t('files.title.floppy')}
      hint={t('settings.floppy.hint')}
      error={errorFor('floppy')}
      clearable
      onChange={(p) => set({ floppy: p || null })}
    />
  );
}
