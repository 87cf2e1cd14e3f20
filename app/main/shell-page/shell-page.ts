import type { ShellView } from '../../shared/shell-ipc.ts';

/**
 * The shell's own page, shown at once while the host starts, and whenever the host's UI
 * cannot be: the passphrase dialog, the host-stopped view with its last log lines and a
 * Restart button, and "stopping" on quit. Runs in the sandboxed window; talks to main only
 * through the preload's `litboxShell`. No runtime imports: it is loaded as a plain script.
 */

interface ShellBridge {
  view(): Promise<ShellView>;
  onView(listener: (view: ShellView) => void): void;
  submitPassphrase(passphrase: string): Promise<{ ok: true } | { ok: false; error: string }>;
  restartHost(): Promise<void>;
}

const MIN_LENGTH = 8; // MIN_PASSPHRASE_LENGTH in app/shared/shell-ipc.ts (checked again in main)
const bridge = (window as unknown as { litboxShell: ShellBridge }).litboxShell;
const root = document.getElementById('view')!;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { testid?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const { testid, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (testid) node.dataset.testid = testid;
  node.append(...children);
  return node;
}

function passphraseForm(view: Extract<ShellView, { view: 'passphrase' }>): HTMLElement {
  const first = el('input', { type: 'password', id: 'passphrase', autocomplete: 'off', required: true });
  const again = el('input', { type: 'password', id: 'passphrase-again', autocomplete: 'off', required: true });
  const error = el('p', { role: 'alert', testid: 'passphrase-error' }, view.error ?? '');
  const submit = el('button', { type: 'submit', testid: 'passphrase-submit' }, view.creating ? 'Create' : 'Unlock');
  const form = el(
    'form',
    {},
    el('label', { htmlFor: 'passphrase' }, view.creating ? 'Passphrase' : 'Passphrase for this Litbox'),
    first,
    ...(view.creating ? [el('label', { htmlFor: 'passphrase-again' }, 'Type it again'), again] : []),
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const passphrase = first.value;
    if (view.creating && passphrase.length < MIN_LENGTH) {
      error.textContent = `Choose a passphrase of at least ${MIN_LENGTH} characters.`;
      return;
    }
    if (view.creating && passphrase !== again.value) {
      error.textContent = 'The two passphrases differ.';
      return;
    }
    submit.disabled = true;
    void bridge.submitPassphrase(passphrase).then((result) => {
      submit.disabled = false;
      if (!result.ok) error.textContent = result.error;
    });
  });
  queueMicrotask(() => first.focus());
  return el(
    'section',
    { testid: 'passphrase-dialog' },
    el('h1', {}, view.creating ? 'Choose a passphrase' : 'Unlock Litbox'),
    el(
      'p',
      {},
      view.creating
        ? 'No OS keychain is available, so Litbox keeps its secrets in a file protected by a passphrase. Choose one: it cannot be recovered.'
        : 'This Litbox keeps its secrets in a file protected by a passphrase.',
    ),
    form,
  );
}

function render(view: ShellView): void {
  document.body.dataset.view = view.view;
  switch (view.view) {
    case 'starting':
      root.replaceChildren(
        el('h1', {}, 'Litbox'),
        el('p', { className: 'spinner', testid: 'shell-starting' }, 'Starting the network'),
      );
      break;
    case 'stopping':
      root.replaceChildren(
        el('h1', {}, 'Litbox'),
        el('p', { className: 'spinner', testid: 'shell-stopping' }, 'Saving the chain and stopping the nodes'),
      );
      break;
    case 'passphrase':
      root.replaceChildren(passphraseForm(view));
      break;
    case 'crashed': {
      const restart = el('button', { type: 'button', testid: 'restart-host' }, 'Restart');
      restart.addEventListener('click', () => {
        restart.disabled = true;
        void bridge.restartHost();
      });
      root.replaceChildren(
        el(
          'section',
          { testid: 'host-stopped' },
          el('h1', {}, 'The Litbox network stopped'),
          el('p', { role: 'alert' }, view.message),
          el('pre', { testid: 'host-log-tail' }, view.logTail.join('\n')),
          restart,
        ),
      );
      queueMicrotask(() => restart.focus());
      break;
    }
  }
}

bridge.onView(render);
void bridge.view().then(render);
