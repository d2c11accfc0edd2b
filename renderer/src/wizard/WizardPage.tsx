import type { HostInfo } from '../../../main/api/requests.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { Step, WizardDraft } from './draft.js';
import { CdPage, DiskPage } from './DrivePages.js';
import { MemoryPage, NamePage, OsPage } from './MachinePages.js';
import { SummaryPage } from './SummaryPage.js';

export interface PageProps {
  draft: WizardDraft;
  host: HostInfo | null;
  errors: Record<string, string>;
  onChange: (patch: Partial<WizardDraft>) => void;
}

/** One step's heading, a sentence of explanation, and its fields. */
export function WizardPage({ step, ...props }: PageProps & { step: Step }) {
  const Page = { name: NamePage, os: OsPage, memory: MemoryPage, disk: DiskPage, cd: CdPage, summary: SummaryPage }[step];
  return (
    <>
      <h3 className="page-title">{t(`wizard.${step}.title` as MessageKey)}</h3>
      <p className="page-intro muted">{t(`wizard.${step}.intro` as MessageKey)}</p>
      <Page {...props} />
    </>
  );
}
