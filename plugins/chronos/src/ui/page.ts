/** The Chronos plugin's page module, served to the web UI (docs/PLUGINS.md, "UI pages"). */

import type { PageContext } from '@mesolite/daemon/plugin-ui/page-context';
import { mountChronosPage } from './chronos-page.js';

export function mount(element: HTMLElement, context: PageContext): () => void {
  return mountChronosPage(element, context);
}
