/** The files the pages reference; each is served at a URL carrying a hash of its content. */
export type AssetName =
  | 'app.css'
  | 'htmx.min.js'
  | 'sealpost.js'
  /** Passkey buttons (views/static/passkeys.js); it loads the WebAuthn helper below when used. */
  | 'passkeys.js'
  /** @simplewebauthn/browser's bundle, loaded by passkeys.js only when a passkey is used. */
  | 'webauthn.min.js';

/** How pages learn the URLs of the static files. */
export type AssetLinks = {
  /** The URL of a static file, e.g. `/static/app.<hash>.css`. */
  assetUrl(name: AssetName): string;
  /** The URL of the stylesheet that carries the council's colour. */
  themeUrl(colour: string): string;
};

// Until the HTTP adapter that serves the files provides hashed URLs, pages use the
// plain names, which it serves too (with revalidation instead of a year's caching).
let links: AssetLinks = {
  assetUrl: (name) => `/static/${name}`,
  themeUrl: () => '/static/theme.css',
};

/**
 * Called by the adapter that serves the static files (adapters/http/static.ts), so the
 * views link to what is served without importing the adapter: views depend on core
 * only, and the adapter depends on the views.
 */
export function provideAssetLinks(next: AssetLinks): void {
  links = next;
}

/** The URL to put in a page for a static file. */
export function assetUrl(name: AssetName): string {
  return links.assetUrl(name);
}

/** The URL of the theme stylesheet for the council's colour. */
export function themeUrl(colour: string): string {
  return links.themeUrl(colour);
}
