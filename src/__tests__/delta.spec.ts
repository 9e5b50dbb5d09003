import { ServerConnection } from '@jupyterlab/services';

import { CheckRequest, Diagnostic, NbGuardClient } from '../api';
import { HeldAnswers } from '../delta';

function finding(cell: string | null, code: string, line = 0): Diagnostic {
  return {
    code,
    rule: 'r',
    severity: 'warning',
    cell_id: cell,
    message: `${code} in ${cell}`,
    range: {
      start: { line, column: 0 },
      end: { line, column: 1 }
    },
    names: [],
    related: []
  };
}

const A1 = finding('a', 'NBG101');
const A2 = finding('a', 'NBG102', 1);
const B1 = finding('b', 'NBG201');
const C1 = finding('c', 'NBG204');
const NB = finding(null, 'NBG203');

describe('HeldAnswers', () => {
  it('keeps a full answer as it came and offers its revision', () => {
    const held = new HeldAnswers();
    expect(held.latest).toBeNull();
    const full = held.absorb({ diagnostics: [NB, A1, A2, B1], revision: 'r1' });
    expect(full).toEqual([NB, A1, A2, B1]);
    expect(held.latest).toBe('r1');
  });

  it('rebuilds a relative answer in the order the server gives', () => {
    // Given a held answer with findings on the notebook, a and b
    const held = new HeldAnswers();
    held.absorb({ diagnostics: [NB, A1, A2, B1], revision: 'r1' });
    // When a's findings change, b's go away and c gets one
    const A3 = finding('a', 'NBG201', 2);
    const full = held.absorb({
      diagnostics: [A3, C1],
      revision: 'r2',
      since: 'r1',
      changed_cells: ['a', 'b', 'c'],
      cells: [null, 'a', 'c']
    });
    // Then unchanged groups are kept and the new ones take their place
    expect(full).toEqual([NB, A3, C1]);
    expect(held.latest).toBe('r2');
  });

  it('rebuilds against the answer named by since, not the newest', () => {
    const held = new HeldAnswers();
    held.absorb({ diagnostics: [A1], revision: 'r1' });
    held.absorb({ diagnostics: [A1, B1], revision: 'r2' });
    const full = held.absorb({
      diagnostics: [C1],
      revision: 'r3',
      since: 'r1',
      changed_cells: ['c'],
      cells: ['a', 'c']
    });
    expect(full).toEqual([A1, C1]);
  });

  it('returns null for an answer relative to one no longer held', () => {
    const held = new HeldAnswers(2);
    held.absorb({ diagnostics: [A1], revision: 'r1' });
    held.absorb({ diagnostics: [A1], revision: 'r2' });
    held.absorb({ diagnostics: [A1], revision: 'r3' });
    const relative = {
      diagnostics: [],
      revision: 'r4',
      since: 'r1',
      changed_cells: [],
      cells: ['a']
    };
    expect(held.absorb(relative)).toBeNull();
  });
});

describe('NbGuardClient.check with held answers', () => {
  let makeRequest: jest.SpyInstance;
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8889/'
  });
  const body: CheckRequest = {
    cells: [{ id: 'a', cell_type: 'code', source: 'x', execution_count: 1 }],
    kernel_id: null,
    path: 'nb.ipynb',
    select: null,
    ignore: null
  };

  function reply(payload: object): Response {
    return {
      ok: true,
      status: 200,
      statusText: 'OK',
      headers: new Headers(),
      text: async () => JSON.stringify(payload)
    } as unknown as Response;
  }

  function sentBody(call: number): Record<string, unknown> {
    return JSON.parse(makeRequest.mock.calls[call][1].body as string);
  }

  beforeEach(() => {
    makeRequest = jest.spyOn(ServerConnection, 'makeRequest');
  });

  afterEach(() => {
    makeRequest.mockRestore();
  });

  it('sends the held revision as since and returns the rebuilt list', async () => {
    const client = new NbGuardClient(settings);
    makeRequest.mockResolvedValueOnce(
      reply({ diagnostics: [A1, B1], kernel: null, revision: 'r1' })
    );
    expect((await client.check(body)).diagnostics).toEqual([A1, B1]);
    expect(sentBody(0).since).toBeUndefined();
    makeRequest.mockResolvedValueOnce(
      reply({
        diagnostics: [],
        kernel: null,
        revision: 'r2',
        since: 'r1',
        changed_cells: ['b'],
        cells: ['a']
      })
    );
    const second = await client.check(body);
    expect(sentBody(1).since).toBe('r1');
    expect(second.diagnostics).toEqual([A1]);
  });

  it('leaves out the sources sent unchanged for the held answer', async () => {
    const client = new NbGuardClient(settings);
    const two: CheckRequest = {
      ...body,
      cells: [
        { id: 'a', cell_type: 'code', source: 'x = 1', execution_count: 1 },
        { id: 'b', cell_type: 'code', source: 'y = x', execution_count: 2 }
      ]
    };
    makeRequest.mockResolvedValueOnce(
      reply({ diagnostics: [], kernel: null, revision: 'r1' })
    );
    await client.check(two);
    expect(sentBody(0).cells).toEqual(two.cells);
    // When only b's source changed
    const edited: CheckRequest = {
      ...two,
      cells: [two.cells[0], { ...two.cells[1], source: 'y = x + 1' }]
    };
    makeRequest.mockResolvedValueOnce(
      reply({
        diagnostics: [],
        kernel: null,
        revision: 'r2',
        since: 'r1',
        changed_cells: [],
        cells: []
      })
    );
    await client.check(edited);
    // Then a goes without its source and b with its new one
    expect(sentBody(1).since).toBe('r1');
    expect(sentBody(1).cells).toEqual([
      { id: 'a', cell_type: 'code', execution_count: 1 },
      { id: 'b', cell_type: 'code', source: 'y = x + 1', execution_count: 2 }
    ]);
  });

  it('sends every source again after a 409', async () => {
    const client = new NbGuardClient(settings);
    makeRequest.mockResolvedValueOnce(
      reply({ diagnostics: [A1], kernel: null, revision: 'r1' })
    );
    await client.check(body);
    makeRequest.mockResolvedValueOnce({
      ok: false,
      status: 409,
      statusText: 'Conflict',
      headers: new Headers(),
      text: async () => '{"message": "send every source"}',
      json: async () => ({ message: 'send every source' })
    } as unknown as Response);
    makeRequest.mockResolvedValueOnce(
      reply({ diagnostics: [B1], kernel: null, revision: 'r9' })
    );
    const answer = await client.check(body);
    expect(makeRequest).toHaveBeenCalledTimes(3);
    expect(sentBody(2).since).toBeUndefined();
    expect(sentBody(2).cells).toEqual(body.cells);
    expect(answer.diagnostics).toEqual([B1]);
  });

  it('asks again in full when the answer is relative to an unknown one', async () => {
    const client = new NbGuardClient(settings);
    makeRequest.mockResolvedValueOnce(
      reply({
        diagnostics: [],
        kernel: null,
        revision: 'r9',
        since: 'elsewhere',
        changed_cells: [],
        cells: ['a']
      })
    );
    makeRequest.mockResolvedValueOnce(
      reply({ diagnostics: [A1], kernel: null, revision: 'r10' })
    );
    const answer = await client.check(body);
    expect(makeRequest).toHaveBeenCalledTimes(2);
    expect(sentBody(1).since).toBeUndefined();
    expect(answer.diagnostics).toEqual([A1]);
  });
});
