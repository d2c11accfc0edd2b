import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import type { ConsoleChannel } from '../transport/index.js';

interface SerialTerminalProps {
  vmId: string;
  port: 1 | 2;
  channel: ConsoleChannel;
  active: boolean;
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();

/**
 * A COM port as a terminal: what the guest sent before (vm.serialRead from the start), then what it sends
 * live on the console stream; what is typed goes to the guest.
 */
export function SerialTerminal({ vmId, port, channel, active }: SerialTerminalProps) {
  const client = useClient();
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const terminal = new Terminal({
      convertEol: false,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: dark ? { background: '#15171c', foreground: '#d8dde6' } : { background: '#fbfbfc', foreground: '#1d2230', cursor: '#1d2230', selectionBackground: '#b9d3ff' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(el);
    term.current = terminal;
    const resize = new ResizeObserver(() => el.offsetWidth > 0 && fit.fit());
    resize.observe(el);

    // Live bytes that arrive while the history is on its way wait for it, so the order is kept.
    let waiting: Uint8Array[] | null = [];
    const off = channel.onMessage((msg) => {
      if (msg.t !== 'serial' || msg.port !== port) return;
      if (waiting) waiting.push(msg.data);
      else terminal.write(msg.data);
    });
    let live = true;
    client.request('vm.serialRead', { id: vmId, port, since: 0 }).then(
      (chunk) => live && terminal.write(fromBase64(chunk.data)),
      () => undefined,
    ).finally(() => {
      if (!live) return;
      for (const d of waiting ?? []) terminal.write(d);
      waiting = null;
    });
    const input = terminal.onData((data) => channel.send({ t: 'serial', port, data: encoder.encode(data) }));
    return () => {
      live = false;
      off();
      input.dispose();
      resize.disconnect();
      terminal.dispose();
      term.current = null;
    };
  }, [client, vmId, port, channel]);

  useEffect(() => {
    if (active) term.current?.focus();
  }, [active]);

  return (
    <div
      ref={host}
      className="serial-terminal"
      data-testid={active ? 'serial-terminal' : `serial-terminal-com${port}`}
      role="region"
      aria-label={t('serial.terminal', { port: `COM${port}` })}
      hidden={!active}
    />
  );
}
