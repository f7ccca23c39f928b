/** The Aurora plugin's page module, served to the web UI (docs/PLUGINS.md, "UI pages"). */
import { mountAuroraPage } from './aurora-page.js';
import type { PageContext } from './page-context.js';

export function mount(element: HTMLElement, context: PageContext): () => void {
  return mountAuroraPage(element, context);
}
