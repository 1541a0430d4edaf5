import { ConfigurationError } from './errors.ts';

/**
 * International domain names (IDNA, UTS #46): the port through which core turns
 * `Bücher.Example` into `xn--bcher-kva.example`. It decides who counts as "internal",
 * so it is the platform's full implementation (node:url's `domainToASCII`, in
 * adapters/security/domain-names.ts), never a hand-written partial one.
 */
export type DomainNames = {
  /** The ASCII (A-label) form of a domain, mapped and checked as UTS #46 says; null when it is not a valid domain name. */
  toAscii(domain: string): string | null;
};

let installed: DomainNames | null = null;

/**
 * Installs the implementation, once per process, from the composition root (and the
 * test setup). Address normalisation runs in pure rules called from dozens of places;
 * one process-wide port keeps them pure functions of their input instead of widening
 * every use case's dependencies for a function with one right answer per platform.
 * Decision record: docs/decisions/0019-domain-names-port.md.
 */
export function useDomainNames(port: DomainNames): void {
  installed = port;
}

/** The installed implementation; a configuration error if none was installed. */
export function domainNames(): DomainNames {
  if (!installed) {
    throw new ConfigurationError(
      'No DomainNames implementation is installed: the composition root calls useDomainNames at start.',
    );
  }
  return installed;
}
