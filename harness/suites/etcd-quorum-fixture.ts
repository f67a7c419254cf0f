/**
 * For an etcd-quorum suite file: open the suite (session, catalogue from the cluster's real flags)
 * once per file, close it after. Returns a getter for the tests.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { openEtcdQuorumSuite, type EtcdQuorumSuite } from './etcd-quorum-suite.js';

export function useEtcdQuorumSuite(): () => EtcdQuorumSuite {
  let suite: EtcdQuorumSuite | undefined;
  beforeAll(async () => {
    suite = await openEtcdQuorumSuite(inject('run'), inject('cluster'));
  });
  afterAll(async () => {
    await suite?.[Symbol.asyncDispose]();
  });
  return () => {
    if (suite === undefined) {
      throw new Error('the etcd-quorum suite did not open (see the beforeAll error)');
    }
    return suite;
  };
}
