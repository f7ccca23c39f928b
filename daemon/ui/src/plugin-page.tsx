import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { ErrorBox } from './error-box';
import { pluginSocket } from './live-socket';
import type { PluginPageContext, PluginPageModule } from './plugin-page-contract';

/** Where the daemon serves a plugin's page module (daemon/src/server/plugin-ui-routes.ts). */
export function pluginUiUrl(name: string): string {
  return `/mesolite/v1/plugins/${encodeURIComponent(name)}/ui.js`;
}

function isPageModule(module: unknown): module is PluginPageModule {
  return (
    typeof module === 'object' &&
    module !== null &&
    typeof (module as { mount?: unknown }).mount === 'function'
  );
}

/**
 * Mounts a plugin's page: imports the module its manifest names and calls its
 * `mount(element, context)`; unmounting calls what `mount` returned.
 */
export function PluginPage({ name, title }: { name: string; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let cancelled = false;
    let unmount: (() => void) | undefined;
    setError(undefined);
    const context: PluginPageContext = { api, socket: pluginSocket(name) };
    const url = pluginUiUrl(name);
    import(/* @vite-ignore */ url)
      .then((module: unknown) => {
        if (cancelled) return;
        if (!isPageModule(module))
          throw new Error(`The page module of plugin "${name}" exports no mount() function`);
        const result = module.mount(element, context);
        unmount = typeof result === 'function' ? result : undefined;
      })
      .catch(async (err: unknown) => {
        // The browser only says the import failed; ask the daemon what it answered.
        const said = await api(url).then(
          () => err,
          (answer: unknown) => (answer instanceof ApiError ? answer : err),
        );
        if (!cancelled) setError(said);
      });
    return () => {
      cancelled = true;
      unmount?.();
      element.replaceChildren();
    };
  }, [name]);

  return (
    <section data-testid="plugin-page" data-plugin={name}>
      <ErrorBox error={error} title={`Loading the ${title} page failed`} />
      <div ref={host} />
    </section>
  );
}
