/** The host key, as in Virtual PC: Right Alt. It releases the keyboard and mouse and is never sent to the guest. */
export const HOST_KEY = 'AltRight';

export type HostShortcut = 'ctrlAltDel' | 'pauseResume' | 'reset' | 'fullScreen' | 'save';

/** Host + this key (KeyboardEvent.code) does this. */
export const HOST_SHORTCUTS: Record<string, HostShortcut> = {
  Delete: 'ctrlAltDel',
  KeyP: 'pauseResume',
  KeyR: 'reset',
  Enter: 'fullScreen',
  NumpadEnter: 'fullScreen',
  KeyS: 'save',
};
