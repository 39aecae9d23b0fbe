import { describe, expect, it } from 'vitest';
import { maskApiKey, maskSecrets, maskUrlPassword } from '../../src/config/mask.ts';
import { ConfigSchema, defaultConfig } from '../../src/config/schema.ts';
import { FAKE_API_KEY, FAKE_PRIVATE_KEY } from './helpers.ts';

describe('maskSecrets', () => {
  it('shows the last 4 characters of the API key, hides the private key and URL passwords', () => {
    const config = ConfigSchema.parse({
      api: { api_key: FAKE_API_KEY, private_key: FAKE_PRIVATE_KEY },
      storage: {
        postgres_url: 'postgres://trader:s3cret@db:5432/sherwood',
        redis_url: 'redis://:hunter2@cache:6379/0',
      },
    });
    const masked = maskSecrets(config);
    expect(masked.api.api_key).toBe('***wxyz');
    expect(masked.api.private_key).toBe('***');
    expect(masked.storage.postgres_url).toBe('postgres://trader:***@db:5432/sherwood');
    expect(masked.storage.redis_url).toBe('redis://:***@cache:6379/0');
    const text = JSON.stringify(masked);
    for (const secret of [FAKE_API_KEY, FAKE_PRIVATE_KEY, 's3cret', 'hunter2']) expect(text).not.toContain(secret);
  });

  it('leaves the original untouched and absent secrets absent', () => {
    const config = ConfigSchema.parse({ api: { api_key: FAKE_API_KEY } });
    maskSecrets(config);
    expect(config.api.api_key).toBe(FAKE_API_KEY);
    const masked = maskSecrets(defaultConfig());
    expect('api_key' in masked.api).toBe(false);
    expect(masked).toEqual(defaultConfig());
  });

  it('masks short keys entirely and URLs without a password not at all', () => {
    expect(maskApiKey('short')).toBe('***');
    expect(maskUrlPassword('redis://cache:6379')).toBe('redis://cache:6379');
  });
});
