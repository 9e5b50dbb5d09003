import {
  DEFAULT_SETTINGS,
  parseRules,
  parseSettings,
  ruleRequest
} from '../settings';

describe('parseSettings', () => {
  it('reads the rules table, status bar and names to ignore', () => {
    // Given composite settings as the registry gives them
    const settings = parseSettings({
      showStatusBar: false,
      rules: { NBG205: 'warning', NBG209: 'off', NBG201: 'default' },
      ignoreNames: ['df', ' _ ', 'two words', 3 as unknown as string]
    });
    // Then each is read, defaults and invalid entries left out
    expect(settings.showStatusBar).toBe(false);
    expect(settings.rules).toEqual({ NBG205: 'warning', NBG209: 'off' });
    expect(settings.ignoreNames).toEqual(['df', '_']);
  });

  it('falls back to the defaults for missing or ill-typed values', () => {
    const settings = parseSettings({
      showStatusBar: 'yes',
      rules: ['NBG205'],
      ignoreNames: 'df'
    });
    expect(settings.showStatusBar).toBe(DEFAULT_SETTINGS.showStatusBar);
    expect(settings.rules).toEqual({});
    expect(settings.ignoreNames).toEqual([]);
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
  });
});

describe('the rules table', () => {
  it('drops unknown choices, never the whole table', () => {
    expect(parseRules({ NBG205: 'fatal', NBG207: 'info' })).toEqual({
      NBG207: 'info'
    });
    expect(parseRules(null)).toEqual({});
  });

  it('becomes ignore (off) and severity (the rest) for the server', () => {
    // Given Ignore with NBG205 and a table that turns two rules off
    const request = ruleRequest({
      ignore: ['NBG205'],
      rules: { NBG205: 'off', NBG209: 'off', NBG202: 'error', NBG207: 'info' }
    });
    // Then the off rules join Ignore once, the others become severities
    expect(request.ignore).toEqual(['NBG205', 'NBG209']);
    expect(request.severity).toEqual({ NBG202: 'error', NBG207: 'info' });
  });

  it('sends no severity map when no rule changes severity', () => {
    expect(ruleRequest({ ignore: [], rules: { NBG209: 'off' } })).toEqual({
      ignore: ['NBG209'],
      severity: null
    });
  });
});
