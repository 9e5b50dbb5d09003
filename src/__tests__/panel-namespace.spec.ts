import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import { formatSize, NamespaceReader } from '../panel/namespace';

const trans = nullTranslator.load('jupyterlab_nbguard');

/**
 * Server settings whose fetch answers from a table of URL fragments, and
 * records every URL asked.
 */
function server(answers: Record<string, [number, unknown]>): {
  settings: ServerConnection.ISettings;
  asked: string[];
} {
  const asked: string[] = [];
  const fetch = async (request: { url: string }): Promise<Response> => {
    asked.push(request.url);
    const key = Object.keys(answers).find(k => request.url.includes(k));
    const [status, body] = key ? answers[key] : [404, { message: 'no' }];
    const text = JSON.stringify(body);
    return {
      ok: status < 400,
      status,
      statusText: String(status),
      text: async () => text,
      json: async () => body
    } as unknown as Response;
  };
  /** The part of Request that ServerConnection uses. */
  class FakeRequest {
    constructor(readonly url: string) {}
    readonly headers = new Map<string, string>();
  }
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: fetch as unknown as typeof globalThis.fetch,
    Request: FakeRequest as unknown as typeof Request
  });
  return { settings, asked };
}

const NAMES = {
  names: [{ name: 'old_df', type: 'DataFrame', size_bytes: 2048 }]
};

describe('NamespaceReader', () => {
  it('reads the namespace when the user may execute', async () => {
    const { settings, asked } = server({
      'api/me': [200, { permissions: { kernels: ['read', 'execute'] } }],
      'kernels/k1/namespace': [200, NAMES]
    });
    const result = await new NamespaceReader(settings).read('k1');
    expect(result.kind).toBe('ok');
    expect(result.kind === 'ok' && result.names.get('old_df')?.type).toBe(
      'DataFrame'
    );
    expect(asked[0]).toContain('permissions=');
    expect(asked[1]).toContain('jupyterlab-nbguard/kernels/k1/namespace');
  });

  it('does not ask the kernel when Jupyter Server says the user may not execute', async () => {
    const { settings, asked } = server({
      'api/me': [200, { permissions: { kernels: ['read'] } }],
      'kernels/k1/namespace': [200, NAMES]
    });
    const reader = new NamespaceReader(settings);
    expect(await reader.read('k1')).toEqual({ kind: 'forbidden' });
    expect(await reader.read('k1')).toEqual({ kind: 'forbidden' });
    // One permission question, no namespace request
    expect(asked).toHaveLength(1);
  });

  it('takes a 403 calmly and stops asking; a 409 means busy', async () => {
    const forbidden = server({
      'api/me': [200, {}],
      'kernels/k1/namespace': [403, { message: 'Forbidden' }]
    });
    const reader = new NamespaceReader(forbidden.settings);
    expect(await reader.read('k1')).toEqual({ kind: 'forbidden' });
    expect(await reader.read('k1')).toEqual({ kind: 'forbidden' });
    expect(
      forbidden.asked.filter(url => url.includes('namespace'))
    ).toHaveLength(1);
    const busy = server({
      'api/me': [200, {}],
      'kernels/k1/namespace': [409, { message: 'busy' }]
    });
    expect(await new NamespaceReader(busy.settings).read('k1')).toEqual({
      kind: 'busy'
    });
  });
});

describe('formatSize', () => {
  it('says sizes for people', () => {
    expect(formatSize(812, trans)).toBe('812 bytes');
    expect(formatSize(2048, trans)).toBe('2.0 KB');
    expect(formatSize(3 * 1024 * 1024, trans)).toBe('3.0 MB');
    expect(formatSize(null, trans)).toBe('size unknown');
  });
});
