import * as fs from 'node:fs';
import * as path from 'node:path';
import express, { type Router } from 'express';
import { projectRoot } from '../core/paths';
import { HttpError } from './errors';

/**
 * The web console under /ui: the static files `npm run build` writes to dist/ui, same origin as the
 * API. The Content-Security-Policy allows scripts, styles and connections from this origin only:
 * no inline script, no CDN, nothing fetched from elsewhere at run time.
 */

export const CONSOLE_PATH = '/ui';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function consoleAssetsDir(): string {
  return path.join(projectRoot(), 'dist/ui');
}

export function consoleAssets(dir = consoleAssetsDir()): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    next();
  });
  router.get('/', (req, res, next) => {
    // Relative module URLs resolve against /ui/, so the bare /ui must become /ui/.
    if (req.originalUrl === CONSOLE_PATH || req.originalUrl.startsWith(`${CONSOLE_PATH}?`)) {
      res.redirect(308, `${CONSOLE_PATH}/`);
      return;
    }
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      next(new HttpError(503, 'console_not_built', 'the web console is not built on this server: run npm run build'));
      return;
    }
    next();
  });
  router.use(express.static(dir, { index: 'index.html', redirect: false, fallthrough: true, dotfiles: 'ignore' }));
  return router;
}
