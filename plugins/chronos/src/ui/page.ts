/** The Chronos plugin's page module, served to the web UI (docs/PLUGINS.md, "UI pages"). */
import { mountChronosPage } from './chronos-page.js';
import type { PageContext } from './page-context.js';

export function mount(element: HTMLElement, context: PageContext): () => void {
  return mountChronosPage(element, context);
}
