import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { oneDark } from '@codemirror/theme-one-dark';
import { useIsDark } from '../ui/theme.ts';

interface Props {
  value: string;
  onChange: (value: string) => void;
  label: string;
}

/** CodeMirror 6 (bundled, works offline) for Lit Action code; One Dark when the page is dark. */
export function CodeEditor({ value, onChange, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const latestValue = useRef(value);
  latestValue.current = value;
  const latest = useRef(onChange);
  latest.current = onChange;
  const dark = useIsDark();

  useEffect(() => {
    const editor = new EditorView({
      doc: latestValue.current,
      parent: host.current!,
      extensions: [
        basicSetup,
        javascript(),
        dark ? oneDark : [],
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => editor.destroy();
    // Made once per theme (a theme switch is rare; the document carries over): the editor owns
    // its document after mount, outside changes come through the effect below.
  }, [dark]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div className="code-editor" ref={host} data-testid="code-editor" data-dark={dark ? 'yes' : 'no'} />;
}
