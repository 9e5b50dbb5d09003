import { LabIcon } from '@jupyterlab/ui-components';

// A restart arrow around a check mark. The fill is a fallback: JupyterLab's
// `jp-icon3` class recolours it with the theme.
const VERIFY_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M12 5V2L8 6l4 4V7c3.3 0 6 2.7 6 6s-2.7 6-6 6-6-2.7-6-6H4c0 4.4 3.6 8 8 8s8-3.6 8-8-3.6-8-8-8zm-1.4 11.2-2.8-2.8 1.4-1.4 1.4 1.4 3.9-3.9 1.4 1.4-5.3 5.3z"/>
</svg>`;

/**
 * The restart-and-verify icon.
 */
export const verifyIcon = new LabIcon({
  name: 'jupyterlab-nbguard:verify',
  svgstr: VERIFY_SVG
});
