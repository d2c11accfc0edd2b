/**
 * The child's end of the line to its parent, in a VM's process: Electron's `process.parentPort` in a
 * utility process, Node's IPC channel (structured clone, so typed arrays pass as they are) in a child process.
 */
export interface ParentLink {
  send(msg: unknown): void;
  onMessage(listener: (msg: unknown, ports: MessagePortLike[]) => void): void;
  /** True under Electron, where the parent can hand us MessagePorts. */
  readonly canReceivePorts: boolean;
}

/** The part of Electron's MessagePortMain a VM's process uses. */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  start(): void;
  close(): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', listener: (e: { data: unknown; ports: MessagePortLike[] }) => void): void;
}

export function parentLink(): ParentLink {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      canReceivePorts: true,
      send: (msg) => electronPort.postMessage(msg),
      onMessage: (listener) => electronPort.on('message', (e) => listener(e.data, e.ports ?? [])),
    };
  }
  if (!process.send) throw new Error('this process was not started by Kaso (no IPC channel to its parent)');
  return {
    canReceivePorts: false,
    send: (msg) => process.send!(msg),
    onMessage: (listener) => process.on('message', (msg) => listener(msg, [])),
  };
}
