import { ConsoleView } from './console/ConsoleView.js';
import { LibraryWindow } from './library/LibraryWindow.js';
import { useLibrary } from './state/library.js';
import { useRoute } from './state/route.js';
import { UndoProvider } from './undo/UndoProvider.js';

/** The console app: the library window, or one VM's console (#/console/<id>). */
export function App() {
  const library = useLibrary();
  const route = useRoute();
  return <UndoProvider>{route.view === 'console' ? <ConsoleView id={route.id} library={library} /> : <LibraryWindow library={library} />}</UndoProvider>;
}
