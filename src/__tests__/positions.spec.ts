import { Text } from '@codemirror/state';

import {
  clampPosition,
  comparePositions,
  offsetToPosition,
  positionToOffset,
  rangeToOffsets,
  toText
} from '../editor/positions';

describe('editor/positions', () => {
  describe('positionToOffset', () => {
    it('maps a position on the first line to its column', () => {
      // Given a one-line source
      const source = 'total = sum(prices)';
      // When converting line 0, column 12 (the `p` of `prices`)
      const offset = positionToOffset(source, { line: 0, column: 12 });
      // Then the offset is the column
      expect(offset).toBe(12);
      expect(source.slice(offset, offset + 6)).toBe('prices');
    });

    it('adds the lengths of the lines above, line breaks included', () => {
      // Given a three-line source
      const source = 'a = 1\nbb = 2\nprint(a)';
      // When converting line 2, column 6
      const offset = positionToOffset(source, { line: 2, column: 6 });
      // Then the offset skips "a = 1\n" (6) and "bb = 2\n" (7)
      expect(offset).toBe(6 + 7 + 6);
      expect(source.charAt(offset)).toBe('a');
    });

    it('counts columns in UTF-16 code units (an emoji takes two)', () => {
      // Given a line where an emoji precedes the name
      const source = "s = '😀'; x = y";
      // When converting the column the server sends for `y` (UTF-16 units)
      const column = source.indexOf('y');
      const offset = positionToOffset(source, { line: 0, column });
      // Then the offset points at `y`, two units after the emoji started
      expect(column).toBe(14);
      expect(source.charAt(offset)).toBe('y');
      expect(Array.from(source).indexOf('y')).toBe(13);
    });

    it('treats \\r\\n as one line break, as CodeMirror does', () => {
      // Given a source with Windows line endings
      const source = 'a = 1\r\nb = a';
      // When converting line 1, column 4
      const offset = positionToOffset(source, { line: 1, column: 4 });
      // Then the offset is in CodeMirror's document, where \r\n is one break
      const doc = toText(source);
      expect(offset).toBe(6 + 4);
      expect(doc.sliceString(offset, offset + 1)).toBe('a');
    });

    it('clamps a column past the end of its line to the end of that line', () => {
      // Given two lines
      const source = 'ab\ncdef';
      // When the column is beyond the first line's end
      const offset = positionToOffset(source, { line: 0, column: 99 });
      // Then the offset is the end of line 0, not a character of line 1
      expect(offset).toBe(2);
    });

    it('clamps a line past the end to the end of the document', () => {
      // Given two lines
      const source = 'ab\ncdef';
      // When the line is beyond the last line
      const offset = positionToOffset(source, { line: 7, column: 0 });
      // Then the offset is the document's length
      expect(offset).toBe(source.length);
    });

    it('clamps negative, fractional and non-finite values without throwing', () => {
      // Given a source
      const source = 'abc\ndef';
      // When positions are garbage
      // Then they are clamped to the document
      expect(positionToOffset(source, { line: -3, column: -1 })).toBe(0);
      expect(positionToOffset(source, { line: 1.7, column: 1.2 })).toBe(5);
      expect(positionToOffset(source, { line: NaN, column: NaN })).toBe(0);
      expect(positionToOffset(source, { line: 0, column: Infinity })).toBe(3);
      expect(positionToOffset(source, { line: Infinity, column: 0 })).toBe(
        source.length
      );
    });

    it('handles an empty document', () => {
      // Given an empty source
      // When converting any position
      // Then it is offset 0
      expect(positionToOffset('', { line: 0, column: 0 })).toBe(0);
      expect(positionToOffset('', { line: 3, column: 5 })).toBe(0);
    });

    it('accepts a CodeMirror Text as well as a string', () => {
      // Given the same content as a Text
      const doc = Text.of(['x = 1', 'y = x']);
      // When converting
      // Then the offset agrees with the string version
      expect(positionToOffset(doc, { line: 1, column: 4 })).toBe(
        positionToOffset('x = 1\ny = x', { line: 1, column: 4 })
      );
    });
  });

  describe('rangeToOffsets', () => {
    it('returns the exact span of a range', () => {
      // Given a range over `prices` on line 1
      const source = 'x = 1\ntotal = sum(prices)';
      const range = {
        start: { line: 1, column: 12 },
        end: { line: 1, column: 18 }
      };
      // When converting it
      const { from, to } = rangeToOffsets(source, range);
      // Then it covers exactly `prices`
      expect(source.slice(from, to)).toBe('prices');
    });

    it('orders a reversed range and clamps both ends', () => {
      // Given a reversed range whose end is past the document
      const source = 'abc';
      // When converting it
      const result = rangeToOffsets(source, {
        start: { line: 5, column: 5 },
        end: { line: 0, column: 1 }
      });
      // Then from <= to and both are inside the document
      expect(result).toEqual({ from: 1, to: 3 });
    });
  });

  describe('clampPosition / offsetToPosition / comparePositions', () => {
    it('clamps positions to existing ones', () => {
      // Given two lines
      const source = 'ab\ncdef';
      // When clamping out-of-range positions
      // Then they land on real positions
      expect(clampPosition(source, { line: 0, column: 9 })).toEqual({
        line: 0,
        column: 2
      });
      expect(clampPosition(source, { line: 9, column: 0 })).toEqual({
        line: 1,
        column: 4
      });
      expect(clampPosition(source, { line: 1, column: 2 })).toEqual({
        line: 1,
        column: 2
      });
    });

    it('is the inverse of positionToOffset inside the document', () => {
      // Given a source with an emoji and several lines
      const source = 'a\n😀b\n\ncd';
      // When converting every offset to a position and back
      for (let offset = 0; offset <= source.length; offset++) {
        const position = offsetToPosition(source, offset);
        // Then we get the same offset back
        expect(positionToOffset(source, position)).toBe(offset);
      }
      // And an offset past the end clamps to the last position
      expect(offsetToPosition(source, 999)).toEqual({ line: 3, column: 2 });
    });

    it('orders positions by line, then column', () => {
      // Given positions
      // Then they compare as in the document
      expect(
        comparePositions({ line: 0, column: 5 }, { line: 1, column: 0 })
      ).toBeLessThan(0);
      expect(
        comparePositions({ line: 2, column: 3 }, { line: 2, column: 1 })
      ).toBeGreaterThan(0);
      expect(
        comparePositions({ line: 2, column: 3 }, { line: 2, column: 3 })
      ).toBe(0);
    });
  });
});
