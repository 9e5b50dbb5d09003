import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';

import type { RuleInfo, RulesResponse } from '../api';
import { shieldIcon } from '../icons';
import { EXTENSION_ID } from '../tokens';

/**
 * The command that opens a rule's documentation; args `{code: "NBG201"}`.
 */
export const OPEN_RULE_DOCS = `${EXTENSION_ID}:open-rule-docs`;

/**
 * The Markdown of one rule's page: its code and name, severity, summary and
 * the rule's own documentation as the server serves it (`GET rules`, built
 * from the rule's docstring, the same text `docs/rules.md` is generated from).
 *
 * @param rule The rule.
 * @param trans The translation bundle.
 * @returns The Markdown text.
 */
export function ruleMarkdown(rule: RuleInfo, trans: TranslationBundle): string {
  return [
    `# ${rule.code} \`${rule.rule}\``,
    `*${trans.__('Default severity: %1', rule.severity)}.* ${rule.summary}`,
    rule.description,
    trans.__(
      'Silence one finding with `# nbguard: ignore[%1]` on its line; turn the rule off in Settings → nbguard.',
      rule.code
    )
  ].join('\n\n');
}

/**
 * Opens rule documentation in the main area, one tab per rule (reused when
 * it is open already). The text comes from the server, so it works offline
 * and always matches the installed version.
 */
export class RuleDocs {
  /**
   * Create the opener.
   *
   * @param options Where the rules come from and how to show them.
   */
  constructor(private readonly options: RuleDocs.IOptions) {}

  /**
   * Open (or activate) the page of one rule.
   *
   * @param code The rule code, e.g. `NBG201`.
   * @returns The page, or null if the server does not know the rule.
   */
  async open(code: string): Promise<MainAreaWidget | null> {
    const { app, trans } = this.options;
    const open = this._open.get(code);
    if (open && !open.isDisposed) {
      app.shell.activateById(open.id);
      return open;
    }
    let rules: ReadonlyArray<RuleInfo>;
    try {
      rules = await this._rules();
    } catch (reason) {
      this._cache = null;
      console.error('nbguard: could not read the rules.', reason);
      return null;
    }
    const rule = rules.find(r => r.code === code || r.rule === code);
    if (!rule) {
      return null;
    }
    const content = new Panel();
    content.addClass('jp-nbguard-RuleDocs');
    content.addClass('jp-RenderedHTMLCommon');
    await this._render(content, ruleMarkdown(rule, trans));
    const page = new MainAreaWidget({ content });
    page.id = `jp-nbguard-rule-${rule.code}`;
    page.title.label = trans.__('nbguard %1', rule.code);
    page.title.caption = `${rule.code} ${rule.rule}: ${rule.summary}`;
    page.title.icon = shieldIcon;
    page.title.closable = true;
    this._open.set(rule.code, page);
    page.disposed.connect(() => this._open.delete(rule.code));
    app.shell.add(page, 'main', { mode: 'split-right' });
    app.shell.activateById(page.id);
    return page;
  }

  private async _render(content: Panel, markdown: string): Promise<void> {
    const { rendermime } = this.options;
    if (rendermime) {
      const renderer = rendermime.createRenderer('text/markdown');
      await renderer.renderModel(
        rendermime.createModel({ data: { 'text/markdown': markdown } })
      );
      content.addWidget(renderer);
      return;
    }
    const text = new Widget({ node: document.createElement('pre') });
    text.node.textContent = markdown;
    content.addWidget(text);
  }

  private _rules(): Promise<ReadonlyArray<RuleInfo>> {
    if (this._cache === null) {
      this._cache = this.options.getRules().then(answer => answer.rules);
    }
    return this._cache;
  }

  private _cache: Promise<ReadonlyArray<RuleInfo>> | null = null;
  private readonly _open = new Map<string, MainAreaWidget>();
}

/**
 * Types of the rule documentation opener.
 */
export namespace RuleDocs {
  /**
   * Options of the opener.
   */
  export interface IOptions {
    /**
     * The application (shell).
     */
    app: JupyterFrontEnd;
    /**
     * Reads `GET rules`.
     */
    getRules: () => Promise<RulesResponse>;
    /**
     * Renders the Markdown; without it the text is shown as it is.
     */
    rendermime: IRenderMimeRegistry | null;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
}

/**
 * Register the command that opens a rule's documentation.
 *
 * @param app The application.
 * @param docs The opener.
 * @param trans The translation bundle.
 */
export function registerRuleDocsCommand(
  app: JupyterFrontEnd,
  docs: RuleDocs,
  trans: TranslationBundle
): void {
  app.commands.addCommand(OPEN_RULE_DOCS, {
    label: args =>
      args.code
        ? trans.__('Open nbguard Rule %1', String(args.code))
        : trans.__('Open nbguard Rule Documentation'),
    caption: trans.__('Explain an nbguard rule, with an example and a fix'),
    describedBy: {
      args: {
        type: 'object',
        properties: { code: { type: 'string' } },
        required: ['code']
      }
    },
    execute: async args => {
      await docs.open(String(args.code ?? ''));
    }
  });
}
