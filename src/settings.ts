import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

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
  showInfo: 'panel',
  select: Object.freeze([]) as ReadonlyArray<string>,
  ignore: Object.freeze([]) as ReadonlyArray<string>
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
  const strings = (key: 'select' | 'ignore'): ReadonlyArray<string> => {
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
    showInfo: showInfo ?? DEFAULT_SETTINGS.showInfo,
    select: strings('select'),
    ignore: strings('ignore')
  };
}
