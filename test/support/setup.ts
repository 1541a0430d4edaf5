import { nodeDomainNames } from '../../adapters/security/domain-names.ts';
import { useDomainNames } from '../../core/shared/domain-names.ts';

// What the composition root installs at start, installed for every test file too: core
// tests normalise addresses without composing the app.
useDomainNames(nodeDomainNames);
