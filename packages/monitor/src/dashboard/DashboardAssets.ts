import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One file the dashboard serves: its body and content type. */
export interface DashboardAsset {
  contentType: string;
  body: Buffer;
}

/** The dashboard's files by URL path, all served locally (no CDN): the page and uPlot from npm. */
const FILES: Readonly<Record<string, { file: () => string; contentType: string }>> = Object.freeze({
  '/dashboard': { file: () => join(__dirname, 'dashboard.html'), contentType: 'text/html; charset=utf-8' },
  '/dashboard/uPlot.iife.min.js': {
    file: () => join(dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.iife.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  '/dashboard/uPlot.min.css': {
    file: () => join(dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.min.css'),
    contentType: 'text/css; charset=utf-8',
  },
});

/** The dashboard's static files, read once on first use. */
export class DashboardAssets {
  private readonly cache = new Map<string, Promise<DashboardAsset>>();

  /** Whether `path` is one of the dashboard's files. */
  has(path: string): boolean {
    return Object.hasOwn(FILES, path);
  }

  /** The file at `path` (one `has` said yes to). */
  get(path: string): Promise<DashboardAsset> {
    let asset = this.cache.get(path);
    if (!asset) {
      const { file, contentType } = FILES[path]!;
      asset = readFile(file()).then((body) => ({ contentType, body }));
      // A failed read is tried again next time.
      asset.catch(() => this.cache.delete(path));
      this.cache.set(path, asset);
    }
    return asset;
  }
}
