// Monaco is big: it is fetched only when the editor opens, never with the functions list.
let monacoLoading;

function script(src) {
  return new Promise((resolve, reject) => {
    const element = document.createElement('script');
    element.src = src;
    element.onload = resolve;
    element.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(element);
  });
}

export function loadMonaco() {
  monacoLoading ??= (async () => {
    await script('_content/BlazorMonaco/jsInterop.js');
    await script('_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js');
    await script('_content/BlazorMonaco/lib/monaco-editor/min/vs/editor/editor.main.js');
  })();
  return monacoLoading;
}
