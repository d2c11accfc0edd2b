import type { ConsoleToVm } from '../../api/console.js';
import { chordKeys, qemuKeyNumber } from '../keyboard/scancodes.js';
import { keysForText } from '../keyboard/text-keys.js';
import type { ScreenModel } from '../screen-model.js';
import type { QmpClient } from './qmp-client.js';
import { RfbClient } from './vnc/rfb-client.js';
import { ConsoleInput } from './vnc/console-input.js';

/** How long a typed key is held: the PS/2 controller queues only 16 bytes, so keys must not outrun the guest. */
const TYPING_HOLD_MS = 8;

/**
 * The guest's screen and keyboard and mouse: VNC on a unix socket, decoded into the screen model the
 * console hub fans out (so viewers see a QEMU guest as they see an embedded one). Text and key chords
 * from the API go through QMP's key queue, which paces them for the guest.
 */
export class QemuConsole {
  private constructor(
    private readonly rfb: RfbClient,
    private readonly mapper: ConsoleInput,
    private readonly qmp: QmpClient,
  ) {}

  static async connect(vncSocket: string, screen: ScreenModel, qmp: QmpClient, isAlive: () => boolean): Promise<QemuConsole> {
    const rfb = await RfbClient.connect(vncSocket, screen, { isAlive });
    return new QemuConsole(rfb, new ConsoleInput(rfb), qmp);
  }

  input(msg: ConsoleToVm): void {
    this.mapper.apply(msg);
  }

  requestUpdate(): void {
    this.rfb.requestUpdate();
  }

  async typeText(text: string): Promise<number> {
    const keys = keysForText(text);
    for (const k of keys) await this.sendKeys(k.shift ? ['ShiftLeft', k.code] : [k.code]);
    return keys.length;
  }

  async pressChords(chords: string[]): Promise<number> {
    const all = chords.map(chordKeys);
    for (const keys of all) await this.sendKeys(keys);
    return chords.length;
  }

  private async sendKeys(codes: string[]): Promise<void> {
    const keys = codes.map((c) => ({ type: 'number', data: qemuKeyNumber(c) ?? 0 }));
    await this.qmp.execute('send-key', { keys, 'hold-time': TYPING_HOLD_MS });
  }

  close(): void {
    this.rfb.close();
  }
}
