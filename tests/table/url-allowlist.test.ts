import { describe, expect, it } from 'vitest';
import { PolicyDenied } from '../../ts/engine/errors';
import { UrlAllowlist } from '../../ts/table/url-allowlist';

describe('UrlAllowlist: encoded separators and dots (issue 9, item 8)', () => {
  const a = new UrlAllowlist(['https://api.example.com/api/', 'http://127.0.0.1:8080/v1']);
  const refused = [
    'https://api.example.com/api/..%2fsecret',
    'https://api.example.com/api/..%2Fsecret',
    'https://api.example.com/api/%2e%2e/secret',
    'https://api.example.com/api/%2E%2E%2Fsecret',
    'https://api.example.com/api/a%5c..%5csecret',
    'https://api.example.com/api/a%5C..%5Csecret',
    'https://api.example.com/api/%2e',
    'https://api.example.com/api/x%2fy',
    'https://api.example.com/api/x%252fy', // double-encoded: changes under decoding
    'https://api.example.com/api/.%2e/secret',
    'https://api.example.com/api/a\\..\\secret',
    'http://127.0.0.1:8080/v1/%2e%2e/admin',
    'http://127.0.0.1:8080/v1%2f..%2fadmin',
  ];
  for (const url of refused) {
    it(`refuses ${url}`, () => {
      expect(() => a.check(url)).toThrow(PolicyDenied);
    });
  }
  const allowed = [
    'https://api.example.com/api/items',
    'https://api.example.com/api/items?q=%2f..%2f', // the query is not the path
    'https://api.example.com/api/caf%C3%A9',
    'https://api.example.com/api/a%20b',
    'http://127.0.0.1:8080/v1/x',
  ];
  for (const url of allowed) {
    it(`allows ${url}`, () => {
      expect(() => a.check(url)).not.toThrow();
    });
  }
  it('still refuses what was refused', () => {
    expect(() => a.check('https://api.example.com/secret')).toThrow(PolicyDenied);
    expect(() => a.check('https://api.example.com/api/../secret')).toThrow(PolicyDenied);
    expect(() => a.check('https://u:p@api.example.com/api/x')).toThrow(PolicyDenied);
  });
});
