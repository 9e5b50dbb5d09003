import { LabIcon } from '@jupyterlab/ui-components';

import type { Severity } from './api';

// The fill attributes are fallbacks: the theme recolours them through the
// classes (JupyterLab's `jp-icon*` and our `jp-nbguard-icon-*`, see base.css).

const SHIELD_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M12 2 4 5v6c0 5.2 3.4 10 8 11 4.6-1 8-5.8 8-11V5l-8-3zm0 2.2 6 2.2V11c0 4.1-2.6 7.9-6 8.9-3.4-1-6-4.8-6-8.9V6.4l6-2.2zM11 7v6h2V7h-2zm0 8v2h2v-2h-2z"/>
</svg>`;

const ERROR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-nbguard-icon-error" fill="#d32f2f" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-2h2v2zm0-4h-2V7h2v6z"/>
</svg>`;

const WARNING_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-nbguard-icon-warning" fill="#f57c00" d="M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z"/>
</svg>`;

const INFO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-nbguard-icon-info" fill="#0288d1" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z"/>
</svg>`;

/**
 * The nbguard icon (a shield), used by the panel and the settings.
 */
export const shieldIcon = new LabIcon({
  name: 'jupyterlab-nbguard:shield',
  svgstr: SHIELD_SVG
});

/**
 * An error mark in the theme's error colour.
 */
export const errorIcon = new LabIcon({
  name: 'jupyterlab-nbguard:error',
  svgstr: ERROR_SVG
});

/**
 * A warning triangle in the theme's warning colour.
 */
export const warningIcon = new LabIcon({
  name: 'jupyterlab-nbguard:warning',
  svgstr: WARNING_SVG
});

/**
 * An information mark in the theme's info colour.
 */
export const infoIcon = new LabIcon({
  name: 'jupyterlab-nbguard:info',
  svgstr: INFO_SVG
});

/**
 * The icon of each severity.
 */
export const SEVERITY_ICONS: Readonly<Record<Severity, LabIcon>> = {
  error: errorIcon,
  warning: warningIcon,
  info: infoIcon
};
