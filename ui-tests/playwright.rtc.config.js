/**
 * Playwright configuration of the real-time collaboration test only
 * (tests/rtc.spec.ts), run by `.ci/rtc.sh` from the venv that has
 * jupyter-collaboration installed. Its server listens on port 8899 so that it
 * never takes the port (8888) of the other Galata tests.
 */
const base = require('./playwright.config');

const PORT = 8899;

module.exports = {
  ...base,
  testDir: './tests',
  testMatch: 'rtc.spec.ts',
  testIgnore: [],
  webServer: {
    command: 'jupyter lab --config jupyter_server_rtc_config.py',
    url: `http://localhost:${PORT}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false
  },
  use: {
    ...base.use,
    baseURL: `http://localhost:${PORT}`
  }
};
