import { describe, expect, it } from 'vitest';
import { ConfigProblems, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems;
    throw error;
  }
  return [];
}

const KEY_STRING =
  'DefaultEndpointsProtocol=https;AccountName=council;AccountKey=c2VjcmV0LWtleS1ieXRlcw==;EndpointSuffix=core.windows.net';

describe('BLOB_STORE=azure-blob settings', () => {
  it('reads a connection string and a container', () => {
    const config = parseConfig({
      BLOB_STORE: 'azure-blob',
      AZURE_BLOB_CONTAINER: 'sealpost-blobs',
      AZURE_BLOB_CONNECTION_STRING: KEY_STRING,
    });
    expect(config.blobStore).toBe('azure-blob');
    expect(config.azureBlob).toEqual({ container: 'sealpost-blobs', connectionString: KEY_STRING });
  });

  it('reads an account URL with a user-assigned managed identity', () => {
    const config = parseConfig({
      BLOB_STORE: 'azure-blob',
      AZURE_BLOB_CONTAINER: 'sealpost-blobs',
      AZURE_BLOB_ACCOUNT_URL: 'https://council.blob.core.windows.net',
      AZURE_BLOB_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
    });
    expect(config.azureBlob).toEqual({
      container: 'sealpost-blobs',
      accountUrl: 'https://council.blob.core.windows.net',
      managedIdentityClientId: '00000000-0000-0000-0000-000000000001',
    });
  });

  it('needs a container and one way in, each problem on its own line', () => {
    const problems = problemsOf({ BLOB_STORE: 'azure-blob' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^BLOB_STORE=azure-blob needs AZURE_BLOB_CONTAINER/);
    expect(problems[1]).toMatch(/^BLOB_STORE=azure-blob needs AZURE_BLOB_ACCOUNT_URL/);
  });

  it('refuses both ways in at once, a bad container name, and a plain-http account URL', () => {
    expect(
      problemsOf({
        BLOB_STORE: 'azure-blob',
        AZURE_BLOB_CONTAINER: 'ok-name',
        AZURE_BLOB_CONNECTION_STRING: KEY_STRING,
        AZURE_BLOB_ACCOUNT_URL: 'https://council.blob.core.windows.net',
      }),
    ).toEqual([
      'Set only one of AZURE_BLOB_CONNECTION_STRING and AZURE_BLOB_ACCOUNT_URL: a connection string, or the account URL with a managed identity.',
    ]);
    const problems = problemsOf({
      BLOB_STORE: 'azure-blob',
      AZURE_BLOB_CONTAINER: 'Sealpost_Blobs',
      AZURE_BLOB_ACCOUNT_URL: 'http://council.blob.core.windows.net',
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^AZURE_BLOB_CONTAINER must be 3 to 63 lower-case/);
    expect(problems[1]).toMatch(/^AZURE_BLOB_ACCOUNT_URL must be the https:\/\/ blob endpoint/);
  });

  it('never repeats a connection string in a problem', () => {
    const problems = problemsOf({
      BLOB_STORE: 'azure-blob',
      AZURE_BLOB_CONTAINER: 'ok-name',
      AZURE_BLOB_CONNECTION_STRING: 'AccountKey=only-a-key-secret',
      AZURE_BLOB_CLIENT_ID: 'abc',
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/is not a storage connection string/);
    expect(problems[1]).toMatch(/AZURE_BLOB_CLIENT_ID names a managed identity/);
    expect(problems.join('\n')).not.toContain('only-a-key-secret');
  });

  it('reads the container with another BLOB_STORE, for moving blobs, and ignores none set', () => {
    expect(parseConfig({}).azureBlob).toBeNull();
    const config = parseConfig({
      AZURE_BLOB_CONTAINER: 'sealpost-blobs',
      AZURE_BLOB_CONNECTION_STRING: KEY_STRING,
    });
    expect(config.blobStore).toBe('fs');
    expect(config.azureBlob?.container).toBe('sealpost-blobs');
    expect(problemsOf({ AZURE_BLOB_CONTAINER: 'sealpost-blobs' })).toHaveLength(1);
  });

  it('names azure-blob among the stores BLOB_STORE takes', () => {
    expect(problemsOf({ BLOB_STORE: 's3' }).join('\n')).toMatch(/azure-blob/);
  });
});
