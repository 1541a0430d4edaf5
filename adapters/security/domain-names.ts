import { domainToASCII } from 'node:url';
import type { DomainNames } from '../../core/shared/domain-names.ts';

/** IDNA (UTS #46, as the WHATWG URL standard applies it) from node:url. */
export const nodeDomainNames: DomainNames = {
  toAscii(domain) {
    const ascii = domainToASCII(domain);
    return ascii === '' ? null : ascii;
  },
};
