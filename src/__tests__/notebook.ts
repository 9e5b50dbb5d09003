import type { INotebookContent } from '@jupyterlab/nbformat';
import { NotebookPanel } from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';

/**
 * Warnings JupyterLab's notebook test fixtures make Yjs print; they are about
 * the fixtures, not about nbguard.
 */
const FIXTURE_NOISE = ['Invalid access', '[yjs#509]'];

/**
 * Hide the fixtures' Yjs warnings (and only those) during a test file.
 */
export function silenceFixtureWarnings(): void {
  const warn = console.warn.bind(console);
  let spy: jest.SpyInstance;
  beforeAll(() => {
    spy = jest
      .spyOn(console, 'warn')
      .mockImplementation((...args: unknown[]) => {
        const first = String(args[0]);
        if (!FIXTURE_NOISE.some(noise => first.startsWith(noise))) {
          warn(...args);
        }
      });
  });
  afterAll(() => {
    spy.mockRestore();
  });
}

/**
 * Create a notebook panel (with a mock session) holding `content`.
 *
 * @param content The notebook.
 * @returns The panel.
 */
export async function createPanel(
  content: INotebookContent
): Promise<NotebookPanel> {
  const context = await NBTestUtils.createMockContext();
  const panel = NBTestUtils.createNotebookPanel(context);
  panel.content.model!.fromJSON(content);
  return panel;
}
