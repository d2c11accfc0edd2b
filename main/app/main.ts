/** The Electron entry point: everything else lives in run-app.ts, which takes the electron module as a parameter. */
import * as electron from 'electron';
import { runApp } from './run-app.js';

runApp(electron).catch((e: unknown) => {
  electron.dialog.showErrorBox('Kaso could not start', (e as Error).message);
  electron.app.exit(1);
});
