/**
 * The demos' app definitions, for the web UI to deploy through Marathon's own API
 * (the browser cannot read the installed packages).
 *
 *   GET /mesolite/v1/demos/zombies-tracker/app   the Zombies Tracker's Marathon app
 */
import type { FastifyInstance } from 'fastify';
import { zombiesApp } from './zombies-app.js';

export async function demoRoutes(app: FastifyInstance): Promise<void> {
  app.get('/mesolite/v1/demos/zombies-tracker/app', async () => zombiesApp());
}
