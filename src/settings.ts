import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { Severity } from './_schema';

/**
 * Where findings of severity `info` are shown.
 *
 * - `underlines`: in the panel, counted apart in the status bar, and with a
 *   faint dotted underline in the editor;
 * - `panel`: in the panel and counted apart in the status bar only;
 * - `off`: nowhere.
 *
 * Never on the cell marker: info is not a reproducibility problem.
 */
export type ShowInfo = 'underlines' | 'panel' | 'off';

/**
 * The values `showInfo` accepts.
 */
export const SHOW_INFO_VALUES: ReadonlyArray<ShowInfo> = [
  'underlines',
  'panel',
  'off'
];

/**
 * What the user chose for one rule in the `rules` table: its own severity
 * (`default`), another severity, or `off` (never reported).
 */
export type RuleChoice = 'default' | Severity | 'off';

/**
 * The values a `rules` entry accepts, as `schema/plugin.json` lists them.
 */
export const RULE_CHOICES: ReadonlyArray<RuleChoice> = [
  'default',
  'error',
  'warning',
  'info',
  'off'
];

/**
 * A Python name, as the `ignoreNames` setting accepts it.
 */
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The user settings of nbguard (`schema/plugin.json`).
 */
export interface INbGuardSettings {
  /**
   * Whether notebooks are checked at all.
   */
  readonly enabled: boolean;
  /**
   * Delay after the last edit before a notebook is checked again, in ms.
   */
  readonly debounceMs: number;
  /**
   * Whether findings are underlined in cell editors.
   */
  readonly showUnderlines: boolean;
  /**
   * Whether cells with findings get a coloured border and a badge.
   */
  readonly showCellMarkers: boolean;
  /**
   * Whether the status bar shows the counts of the current notebook.
   */
  readonly showStatusBar: boolean;
  /**
   * Where findings of severity `info` are shown.
   */
  readonly showInfo: ShowInfo;
  /**
   * Codes, code prefixes or rule names to report (empty: the server default).
   */
  readonly select: ReadonlyArray<string>;
  /**
   * Codes, code prefixes or rule names never to report.
   */
  readonly ignore: ReadonlyArray<string>;
  /**
   * The per-rule table, by rule code; rules not listed keep their default.
   */
  readonly rules: Readonly<Record<string, RuleChoice>>;
  /**
   * Python names never to report (a finding about only these is hidden).
   */
  readonly ignoreNames: ReadonlyArray<string>;
}

/**
 * The settings used until the setting registry has answered; they match the
 * defaults in `schema/plugin.json`.
 */
export const DEFAULT_SETTINGS: INbGuardSettings = Object.freeze({
  enabled: true,
  debounceMs: 500,
  showUnderlines: true,
  showCellMarkers: true,
  showStatusBar: true,
  showInfo: 'panel',
  select: Object.freeze([]) as ReadonlyArray<string>,
  ignore: Object.freeze([]) as ReadonlyArray<string>,
  rules: Object.freeze({}) as Readonly<Record<string, RuleChoice>>,
  ignoreNames: Object.freeze([]) as ReadonlyArray<string>
});

/**
 * Read settings from a composite settings object, falling back to the defaults
 * for any missing or ill-typed value.
 *
 * @param composite The composite settings from the setting registry.
 * @returns Complete settings.
 */
export function parseSettings(
  composite: ReadonlyPartialJSONObject
): INbGuardSettings {
  const bool = (key: keyof INbGuardSettings, fallback: boolean): boolean => {
    const value = composite[key];
    return typeof value === 'boolean' ? value : fallback;
  };
  const strings = (
    key: 'select' | 'ignore' | 'ignoreNames'
  ): ReadonlyArray<string> => {
    const value = composite[key];
    if (!Array.isArray(value)) {
      return [];
    }
    return value
      .filter((item): item is string => typeof item === 'string')
      .map(item => item.trim())
      .filter(item => item.length > 0);
  };
  const debounce = composite.debounceMs;
  const showInfo = SHOW_INFO_VALUES.find(v => v === composite.showInfo);
  return {
    enabled: bool('enabled', DEFAULT_SETTINGS.enabled),
    debounceMs:
      typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0
        ? debounce
        : DEFAULT_SETTINGS.debounceMs,
    showUnderlines: bool('showUnderlines', DEFAULT_SETTINGS.showUnderlines),
    showCellMarkers: bool('showCellMarkers', DEFAULT_SETTINGS.showCellMarkers),
    showStatusBar: bool('showStatusBar', DEFAULT_SETTINGS.showStatusBar),
    showInfo: showInfo ?? DEFAULT_SETTINGS.showInfo,
    select: strings('select'),
    ignore: strings('ignore'),
    rules: parseRules(composite.rules),
    ignoreNames: strings('ignoreNames').filter(name => PYTHON_NAME.test(name))
  };
}

/**
 * Read the `rules` table, keeping only entries with a known choice other
 * than `default` (the registry validates the keys against the rule codes).
 *
 * @param value The `rules` setting.
 * @returns The choices that change something, by rule code.
 */
export function parseRules(value: unknown): Record<string, RuleChoice> {
  const rules: Record<string, RuleChoice> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rules;
  }
  for (const [code, choice] of Object.entries(value)) {
    const known = RULE_CHOICES.find(c => c === choice);
    if (known && known !== 'default') {
      rules[code] = known;
    }
  }
  return rules;
}

/**
 * What the `rules` table asks the server for in a `check`: the rules turned
 * off join `ignore`, the others go in `severity`.
 *
 * @param settings The settings.
 * @returns The `ignore` list (Ignore setting first) and the `severity` map,
 * null when no rule changes severity.
 */
export function ruleRequest(
  settings: Pick<INbGuardSettings, 'ignore' | 'rules'>
): { ignore: string[]; severity: Record<string, Severity> | null } {
  const ignore = [...settings.ignore];
  const severity: Record<string, Severity> = {};
  let any = false;
  for (const [code, choice] of Object.entries(settings.rules)) {
    if (choice === 'off') {
      if (!ignore.includes(code)) {
        ignore.push(code);
      }
    } else if (choice !== 'default') {
      severity[code] = choice;
      any = true;
    }
  }
  return { ignore, severity: any ? severity : null };
}
