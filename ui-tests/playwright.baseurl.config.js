/**
 * Playwright configuration of the JupyterHub-style smoke test only
 * (tests/baseurl.spec.ts): JupyterLab served under /user/alice/ on port 8896,
 * so that it never takes the port (8888) of the other Galata tests.
 */
const base = require('./playwright.config');

const PORT = 8896;
const BASE_URL = '/user/alice';

module.exports = {
  ...base,
  testDir: './tests',
  testMatch: 'baseurl.spec.ts',
  testIgnore: [],
  webServer: {
    command: 'jupyter lab --config jupyter_server_baseurl_config.py',
    url: `http://localhost:${PORT}${BASE_URL}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false
  },
  use: {
    ...base.use,
    baseURL: `http://localhost:${PORT}${BASE_URL}/`
  }
};
