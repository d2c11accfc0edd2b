import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { isLive, type PowerAction } from '../state/actions.js';
import type { LibraryState } from '../state/library.js';
import { NoticeArea } from '../state/notices.js';
import { openLibrary } from '../state/route.js';
import { useVmActions } from '../state/vm-actions.js';
import { useVmDetails } from '../state/vm-details.js';
import { ConsoleHeader, type ConsoleTab } from './ConsoleHeader.js';
import { ConsoleToolbar } from './ConsoleToolbar.js';
import type { HostShortcut } from './host-keys.js';
import { downloadScreenshot } from './screenshot.js';
import { ScreenView } from './ScreenView.js';
import { StatusBar } from './StatusBar.js';
import { useCapture } from './use-capture.js';
import { useConsoleChannel } from './use-console-channel.js';
import { useScreenRenderer } from './use-screen-renderer.js';
import { useFitPreference } from './fit-preference.js';
import { SnapshotPanel } from '../snapshots/SnapshotPanel.js';

// The terminal (xterm.js) loads the first time the Serial tab is opened.
const SerialPane = lazy(() => import('./SerialPane.js').then((m) => ({ default: m.SerialPane })));

/** One VM's console: its screen (and serial ports, and snapshots), the actions, and the status bar. */
export function ConsoleView({ id, library }: { id: string; library: LibraryState }) {
  const vm = library.vms.find((v) => v.id === id);
  if (!vm)
    return (
      <div className="window console-window console-missing">
        <p>{library.loaded ? t('console.missing') : t('common.loading')}</p>
        <button type="button" onClick={openLibrary}>
          {t('console.back')}
        </button>
      </div>
    );
  return <Console key={vm.id} vm={vm} />;
}

function Console({ vm }: { vm: VmSummary }) {
  const actions = useVmActions();
  const details = useVmDetails(vm);
  const channel = useConsoleChannel(vm.id, isLive(vm.state));
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const areaRef = useRef<HTMLDivElement>(null);
  const info = useScreenRenderer(channel, canvasRef);
  const [tab, setTab] = useState<ConsoleTab>('screen');
  const [serialOpened, setSerialOpened] = useState(false);
  const [fit, setFit] = useFitPreference();

  const act = (action: PowerAction) => void actions.run(vm, action);
  const fullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void areaRef.current?.requestFullscreen().catch(() => undefined);
  };
  const onShortcut = (s: HostShortcut) => {
    if (s === 'fullScreen') return fullScreen();
    if (s === 'pauseResume') return act(vm.state === 'paused' ? 'resume' : 'pause');
    if (actions.enabled(vm, s)) act(s);
  };
  const capture = useCapture({ canvasRef, send: (m) => channel?.send(m), onShortcut, enabled: tab === 'screen' && vm.state === 'running' });

  useEffect(() => {
    document.title = t('console.windowTitle', { name: vm.name });
    return () => {
      document.title = t('app.title');
    };
  }, [vm.name]);

  const showTab = (next: ConsoleTab) => {
    setTab(next);
    if (next === 'serial') setSerialOpened(true);
  };

  return (
    <div className="window console-window">
      <ConsoleHeader vm={vm} tab={tab} onTab={showTab} onBack={openLibrary} />
      <ConsoleToolbar
        vm={vm}
        enabled={actions.enabled}
        onAction={act}
        canScreenshot={!!info && isLive(vm.state)}
        onScreenshot={() => canvasRef.current && downloadScreenshot(canvasRef.current, vm.name)}
        fit={fit}
        onFit={setFit}
        onFullScreen={fullScreen}
      />
      <div className="console-body">
        <ScreenView
          vm={vm}
          canvasRef={canvasRef}
          areaRef={areaRef}
          info={info}
          fit={fit}
          captured={capture.captured}
          onCapture={capture.capture}
          onStart={() => act('start')}
          onResume={() => act('resume')}
          hidden={tab !== 'screen'}
        />
        {serialOpened && (
          <Suspense fallback={<p className="muted pad">{t('common.loading')}</p>}>
            <SerialPane vm={vm} details={details} channel={channel} hidden={tab !== 'serial'} />
          </Suspense>
        )}
        {tab === 'snapshots' && (
          <div className="snapshot-pane">
            <SnapshotPanel vm={vm} />
          </div>
        )}
      </div>
      <StatusBar vm={vm} info={info} captured={capture.captured} />
      <NoticeArea />
    </div>
  );
}
