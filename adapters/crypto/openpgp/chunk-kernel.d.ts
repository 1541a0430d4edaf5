// Types of chunk-kernel.js, which stays JavaScript so it can run as a bare worker.

/**
 * Seals one chunk in place and encrypts it: `plain` is the random prefix, the literal
 * data packet and 22 spare bytes for the MDC. Returns the SEIPD v1 body after its version.
 */
export function sealChunk(sessionKey: Uint8Array, plain: Uint8Array): Buffer;

/**
 * Decrypts a SEIPD v1 body (after its version byte); the plaintext when the MDC and the
 * prefix check pass, null otherwise.
 */
export function openChunk(sessionKey: Uint8Array, encrypted: Uint8Array): Buffer | null;
