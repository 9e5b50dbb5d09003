import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { Sanitizer, VerifyOptions } from './api';

/**
 * The restart-and-verify settings (`schema/verify.json`).
 */
export interface IVerifySettings {
  /**
   * Ask before restarting the kernel.
   */
  readonly confirm: boolean;
  /**
   * Run past errors that were not expected instead of stopping.
   */
  readonly continueOnError: boolean;
  /**
   * Regex replacements applied to both sides before comparing.
   */
  readonly sanitizers: ReadonlyArray<Sanitizer>;
  /**
   * Compare images' presence and MIME type (never their bytes).
   */
  readonly compareImages: boolean;
  /**
   * Relative tolerance for numbers in text outputs; 0 compares exactly.
   */
  readonly floatTolerance: number;
}

/**
 * The defaults, as in `schema/verify.json`.
 */
export const DEFAULT_VERIFY_SETTINGS: IVerifySettings = Object.freeze({
  confirm: true,
  continueOnError: false,
  sanitizers: Object.freeze([]) as ReadonlyArray<Sanitizer>,
  compareImages: false,
  floatTolerance: 0
});

/**
 * Read the settings, falling back to the defaults for anything ill-typed.
 *
 * @param composite The composite settings from the setting registry.
 * @returns Complete settings.
 */
export function parseVerifySettings(
  composite: ReadonlyPartialJSONObject
): IVerifySettings {
  const bool = (key: 'confirm' | 'continueOnError' | 'compareImages') => {
    const value = composite[key];
    return typeof value === 'boolean' ? value : DEFAULT_VERIFY_SETTINGS[key];
  };
  const raw = composite.sanitizers;
  const sanitizers = Array.isArray(raw)
    ? raw.filter(
        (item): item is { regex: string; replace: string } =>
          typeof item === 'object' &&
          item !== null &&
          !Array.isArray(item) &&
          typeof item.regex === 'string' &&
          item.regex.length > 0 &&
          typeof item.replace === 'string'
      )
    : [];
  const tolerance = composite.floatTolerance;
  return {
    confirm: bool('confirm'),
    continueOnError: bool('continueOnError'),
    sanitizers: sanitizers.map(({ regex, replace }) => ({ regex, replace })),
    compareImages: bool('compareImages'),
    floatTolerance:
      typeof tolerance === 'number' &&
      Number.isFinite(tolerance) &&
      tolerance >= 0
        ? tolerance
        : DEFAULT_VERIFY_SETTINGS.floatTolerance
  };
}

/**
 * The comparison options `verify/compare` takes, from the settings.
 *
 * @param settings The settings.
 * @returns The options.
 */
export function compareOptions(settings: IVerifySettings): VerifyOptions {
  return {
    sanitizers: settings.sanitizers.map(s => ({ ...s })),
    compare_images: settings.compareImages,
    float_tolerance: settings.floatTolerance
  };
}
