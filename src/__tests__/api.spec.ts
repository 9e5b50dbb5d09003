import { ServerConnection } from '@jupyterlab/services';

import {
  API_VERSION,
  CheckRequest,
  MalformedResponseError,
  NbGuardClient
} from '../api';
import { requestAPI } from '../request';

/**
 * A minimal fetch Response.
 */
function response(status: number, body: string): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? 'OK' : 'Error',
    headers: new Headers(),
    text: async () => body
  } as unknown as Response;
}

const settings = ServerConnection.makeSettings({
  baseUrl: 'http://localhost:8889/base/'
});

const CHECK_BODY: CheckRequest = {
  cells: [
    { id: 'a', cell_type: 'code', source: 'x = 1', execution_count: 1 },
    { id: 'b', cell_type: 'markdown', source: '# hi', execution_count: null }
  ],
  kernel_id: 'k-1',
  path: 'dir/nb.ipynb',
  select: null,
  ignore: ['NBG205']
};

describe('api', () => {
  let makeRequest: jest.SpyInstance;

  beforeEach(() => {
    makeRequest = jest.spyOn(ServerConnection, 'makeRequest');
  });

  afterEach(() => {
    makeRequest.mockRestore();
  });

  describe('requestAPI', () => {
    it('calls {baseUrl}jupyterlab-nbguard/<endpoint> with the given init', async () => {
      // Given a server that answers with JSON
      makeRequest.mockResolvedValue(response(200, '{"api": 1}'));
      // When requesting an end point
      const data = await requestAPI<{ api: number }>('version', settings, {
        method: 'GET'
      });
      // Then the URL is under the extension's namespace and the body is parsed
      expect(makeRequest).toHaveBeenCalledWith(
        'http://localhost:8889/base/jupyterlab-nbguard/version',
        { method: 'GET' },
        settings
      );
      expect(data).toEqual({ api: 1 });
    });

    it('raises a ResponseError carrying the JSON message on an error status', async () => {
      // Given a server that refuses the request
      makeRequest.mockResolvedValue(
        response(400, '{"message": "cells: expected a list", "reason": null}')
      );
      // When requesting
      const request = requestAPI('check', settings, { method: 'POST' });
      // Then the error has the status and the server's message
      await expect(request).rejects.toBeInstanceOf(
        ServerConnection.ResponseError
      );
      await expect(request).rejects.toMatchObject({
        message: 'cells: expected a list',
        response: { status: 400 }
      });
    });

    it('raises a NetworkError when the server cannot be reached', async () => {
      // Given a network failure
      makeRequest.mockRejectedValue(new TypeError('Failed to fetch'));
      // When requesting
      // Then a NetworkError comes out
      await expect(requestAPI('version', settings)).rejects.toBeInstanceOf(
        ServerConnection.NetworkError
      );
    });
  });

  describe('NbGuardClient', () => {
    it('POSTs the check body as JSON and returns the diagnostics', async () => {
      // Given a server with one finding
      const diagnostic = {
        code: 'NBG201',
        rule: 'stale-cell',
        severity: 'warning',
        cell_id: 'a',
        message: 'stale',
        range: null,
        names: ['x'],
        related: []
      };
      makeRequest.mockResolvedValue(
        response(
          200,
          JSON.stringify({ diagnostics: [diagnostic], kernel: null })
        )
      );
      const client = new NbGuardClient(settings);
      // When checking
      const answer = await client.check(CHECK_BODY);
      // Then the request was a POST of the body to `check`
      const [url, init] = makeRequest.mock.calls[0];
      expect(url).toBe('http://localhost:8889/base/jupyterlab-nbguard/check');
      expect(init.method).toBe('POST');
      expect(JSON.parse(init.body)).toEqual(CHECK_BODY);
      // And the diagnostics come back typed
      expect(answer).toEqual({ diagnostics: [diagnostic], kernel: null });
    });

    it('passes the abort signal through', async () => {
      // Given a pending check
      makeRequest.mockResolvedValue(
        response(200, '{"diagnostics": [], "kernel": null}')
      );
      const controller = new AbortController();
      // When checking with a signal
      await new NbGuardClient(settings).check(CHECK_BODY, controller.signal);
      // Then fetch gets it
      expect(makeRequest.mock.calls[0][1].signal).toBe(controller.signal);
    });

    it('rejects a check answer without a diagnostics list', async () => {
      // Given a server answering something else
      makeRequest.mockResolvedValue(response(200, '{"hello": "world"}'));
      // When checking
      // Then the client refuses it
      await expect(
        new NbGuardClient(settings).check(CHECK_BODY)
      ).rejects.toBeInstanceOf(MalformedResponseError);
    });

    it('GETs the rules', async () => {
      // Given a rule catalogue
      const rules = {
        rules: [
          {
            code: 'NBG101',
            rule: 'use-before-def',
            severity: 'error',
            summary: 's',
            description: 'd'
          }
        ]
      };
      makeRequest.mockResolvedValue(response(200, JSON.stringify(rules)));
      // When asking for it
      const answer = await new NbGuardClient(settings).getRules();
      // Then it is returned from GET rules
      expect(makeRequest.mock.calls[0][0]).toBe(
        'http://localhost:8889/base/jupyterlab-nbguard/rules'
      );
      expect(makeRequest.mock.calls[0][1].method).toBe('GET');
      expect(answer).toEqual(rules);
    });
  });

  describe('handshake', () => {
    it('is ok when the server speaks our API version', async () => {
      // Given a compatible server
      makeRequest.mockResolvedValue(
        response(200, JSON.stringify({ version: '0.1.0', api: API_VERSION }))
      );
      // When shaking hands
      // Then it is ok, with the version (and no feature: an older server)
      await expect(new NbGuardClient(settings).handshake()).resolves.toEqual({
        kind: 'ok',
        version: '0.1.0',
        features: []
      });
    });

    it('passes on the features the server announces', async () => {
      makeRequest.mockResolvedValue(
        response(
          200,
          JSON.stringify({
            version: '0.2.0',
            api: API_VERSION,
            features: ['x']
          })
        )
      );
      await expect(new NbGuardClient(settings).handshake()).resolves.toEqual({
        kind: 'ok',
        version: '0.2.0',
        features: ['x']
      });
    });

    it('reports a missing server extension on 404', async () => {
      // Given a server without the extension
      makeRequest.mockResolvedValue(response(404, '<html>Not Found</html>'));
      // When shaking hands
      // Then it says "missing" without throwing
      await expect(new NbGuardClient(settings).handshake()).resolves.toEqual({
        kind: 'missing'
      });
    });

    it('reports an incompatible API version', async () => {
      // Given a server of another contract version
      makeRequest.mockResolvedValue(
        response(200, JSON.stringify({ version: '9.0.0', api: 2 }))
      );
      // When shaking hands
      // Then it is incompatible
      await expect(new NbGuardClient(settings).handshake()).resolves.toEqual({
        kind: 'incompatible',
        api: 2,
        version: '9.0.0'
      });
    });

    it('reports other failures as errors, never rejecting', async () => {
      // Given a server error
      makeRequest.mockResolvedValue(
        response(500, '{"message": "boom", "reason": null}')
      );
      // When shaking hands
      const status = await new NbGuardClient(settings).handshake();
      // Then it is an error status carrying the reason
      expect(status.kind).toBe('error');
    });
  });
});
