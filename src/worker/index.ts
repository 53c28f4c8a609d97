/** Temporary entry while the foundation is being built; replaced by the real app. */
import { DurableObject } from 'cloudflare:workers';
export class SearchCoordinator extends DurableObject {}
export class Registry extends DurableObject {}
export default {
  async fetch() {
    return new Response('ok');
  },
} satisfies ExportedHandler;
