import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Diagnostic } from '../api';
import {
  listedFindings,
  placeFindings,
  type IPlacedFinding
} from '../findings';
import { cellRefs } from '../navigation';
import type { INbGuardSettings } from '../settings';
import type { INotebookFindings } from '../tokens';
import { findingTarget, positionsById, targetLabel } from './labels';
import { orphansOf, type IOrphan } from './model';
import type { NamespaceResult } from './namespace';
import { OrphansSection } from './orphans';
import type { IRowContext } from './rows';

/**
 * What the Health panel's list of one render is made of.
 */
export interface IListing {
  /**
   * The notebook.
   */
  readonly panel: NotebookPanel;
  /**
   * Its findings, as the checker holds them (the same array while they do
   * not change).
   */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /**
   * The `showInfo` setting they were listed with.
   */
  readonly showInfo: INbGuardSettings['showInfo'];
  /**
   * The cells' ids and execution counts, in page order, as one string.
   */
  readonly cellsKey: string;
  /**
   * The findings listed (after `showInfo`).
   */
  readonly listed: ReadonlyArray<Diagnostic>;
  /**
   * The findings listed, in page order.
   */
  readonly placed: ReadonlyArray<IPlacedFinding>;
  /**
   * The page position of each cell, by id.
   */
  readonly positions: ReadonlyMap<string, number>;
  /**
   * What the rows need.
   */
  readonly context: IRowContext;
  /**
   * The cell label of a finding.
   */
  readonly labelOf: (finding: IPlacedFinding) => string;
  /**
   * The names live only in the kernel.
   */
  readonly orphans: ReadonlyArray<IOrphan>;
}

/**
 * Keeps what the Health panel lists from one render to the next, so that a
 * render where nothing it shows changed (a status change, an answer with
 * the same findings) hands the list the same objects and the list does not
 * render its rows again.
 */
export class ListingCache {
  /**
   * The listing for a notebook's findings, computed again only when the
   * findings, the cells (order, execution counts) or the info setting
   * changed.
   *
   * @param panel The notebook.
   * @param findings Its findings.
   * @param showInfo The `showInfo` setting.
   * @param makeContext Builds the rows' context from page positions.
   * @param trans The translation bundle (cell labels).
   */
  derive(
    panel: NotebookPanel,
    findings: INotebookFindings,
    showInfo: INbGuardSettings['showInfo'],
    makeContext: (
      positions: ReadonlyMap<string, number>,
      cellIds: ReadonlyArray<string>
    ) => IRowContext,
    trans: TranslationBundle
  ): IListing {
    const cells = cellRefs(panel.content);
    const cellsKey = cells
      .map(c => `${c.id}:${c.executionCount ?? ''}`)
      .join(',');
    const known = this._listing;
    if (
      known !== null &&
      known.panel === panel &&
      known.diagnostics === findings.diagnostics &&
      known.showInfo === showInfo &&
      known.cellsKey === cellsKey
    ) {
      return known;
    }
    // The rows' context depends on the cells only: the same object while
    // they do not change, so that rows whose finding is unchanged stay.
    const sameCells =
      known !== null && known.panel === panel && known.cellsKey === cellsKey;
    const positions = sameCells ? known.positions : positionsById(cells);
    const context = sameCells
      ? known.context
      : makeContext(
          positions,
          cells.map(c => c.id)
        );
    const labelOf = sameCells
      ? known.labelOf
      : (finding: IPlacedFinding) =>
          targetLabel(trans, findingTarget(finding.diagnostic, positions));
    const listed = listedFindings(findings.diagnostics, showInfo);
    this._listing = {
      panel,
      diagnostics: findings.diagnostics,
      showInfo,
      cellsKey,
      listed,
      placed: placeFindings(listed, cells),
      positions,
      context,
      labelOf,
      orphans: orphansOf(findings.diagnostics)
    };
    return this._listing;
  }

  /**
   * The section of names live only in the kernel; the same element while
   * its orphans and the namespace answer stay the same.
   *
   * @param orphans The orphan names.
   * @param namespace The kernel's namespace, null until read.
   * @param context What the rows need.
   */
  orphansSection(
    orphans: ReadonlyArray<IOrphan>,
    namespace: NamespaceResult | null,
    context: IRowContext
  ): JSX.Element | null {
    if (orphans.length === 0) {
      return null;
    }
    const known = this._orphans;
    if (
      known?.orphans === orphans &&
      known.namespace === namespace &&
      known.context === context
    ) {
      return known.element;
    }
    const element = (
      <OrphansSection
        orphans={[...orphans]}
        namespace={namespace}
        context={context}
      />
    );
    this._orphans = { orphans, namespace, context, element };
    return element;
  }

  private _listing: IListing | null = null;
  private _orphans: {
    orphans: ReadonlyArray<IOrphan>;
    namespace: NamespaceResult | null;
    context: IRowContext;
    element: JSX.Element;
  } | null = null;
}
