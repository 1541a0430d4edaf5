import { BlockList, isIP } from 'node:net';
import { ConfigurationError } from '../../core/shared/errors.ts';

/** A set of client networks: the council's mail servers allowed to send without login. */
export type ClientNetworks = {
  /** True when `ip` (IPv4, IPv6, or IPv4 mapped into IPv6) is inside one of the networks. */
  contains(ip: string): boolean;
};

/**
 * Builds the set from CIDR strings (`10.0.0.0/8`, `2001:db8::/32`, or a bare address
 * for one host). Throws ConfigurationError naming the first entry that is not one.
 */
export function clientNetworks(cidrs: readonly string[]): ClientNetworks {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', bits] = entry.trim().split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (family === 0 || !Number.isInteger(prefix)) {
      throw new ConfigurationError(
        `"${entry}" is not a network in CIDR form, e.g. 10.0.0.0/8 or 2001:db8::/32.`,
      );
    }
    try {
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } catch {
      throw new ConfigurationError(`"${entry}" is not a network in CIDR form.`);
    }
  }
  return {
    contains(ip) {
      // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
      const plain = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
