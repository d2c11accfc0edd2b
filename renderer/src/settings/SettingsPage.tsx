import { t, type MessageKey } from '../i18n/index.js';
import { ComPage } from './ComPage.js';
import { BootPage, EnginePage } from './EnginePages.js';
import { CdPage, DisksPage, FloppyPage } from './DrivePages.js';
import { CpuPage, GeneralPage, MemoryPage } from './MachinePages.js';
import { NicsPage } from './NicsPage.js';
import type { PageName, SettingsPageProps } from './pages.js';
import { canRewire } from '../networks/nic-draft.js';

const PAGE_COMPONENTS = {
  general: GeneralPage,
  memory: MemoryPage,
  cpu: CpuPage,
  disks: DisksPage,
  cd: CdPage,
  floppy: FloppyPage,
  com: ComPage,
  network: NicsPage,
  boot: BootPage,
  engine: EnginePage,
} satisfies Record<PageName, (p: SettingsPageProps) => unknown>;

export function SettingsPage({ page, ...props }: SettingsPageProps & { page: PageName }) {
  const Page = PAGE_COMPONENTS[page];
  return (
    <>
      <h3 className="page-title">{t(`settings.page.${page}` as MessageKey)}</h3>
      {/* A running VM's cables can move: the Network page then fixes its other controls itself. */}
      <fieldset className="plain-fieldset" disabled={props.readOnly && !(page === 'network' && canRewire(props.live?.state ?? props.vm.state))}>
        <Page {...props} />
      </fieldset>
    </>
  );
}
