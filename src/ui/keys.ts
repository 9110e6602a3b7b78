/**
 * The keys of the TUI, as the help overlay lists them. The handlers live with
 * the components; keep this list in step with them.
 */
export interface KeyBinding {
  keys: string;
  action: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ':', action: 'command prompt' },
  { keys: 'Enter', action: 'run the line' },
  { keys: 'Esc', action: 'leave prompt / close' },
  { keys: '↑ ↓ j k', action: 'history / move' },
  { keys: 'PgUp PgDn', action: 'a page up / down' },
  { keys: 'Home End', action: 'to the top / bottom' },
  { keys: 'Tab', action: 'complete / next panel' },
  { keys: 'Shift-Tab', action: 'previous panel' },
  { keys: '/', action: 'filter targets' },
  { keys: 'r', action: 'refresh' },
  { keys: '?', action: 'help' },
  { keys: 'q  Ctrl-C', action: 'quit' },
  { keys: 'Ctrl-A Ctrl-E', action: 'line start / end' },
  { keys: 'Ctrl-U Ctrl-W', action: 'clear / delete word' },
];
