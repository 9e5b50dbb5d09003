/**
 * Playwright configuration of the browser benchmarks (`*.bench.ts` here), kept
 * out of the Galata test run. Two JupyterLab servers serve one folder:
 *
 * - port 8898 with nbguard as installed (`WITH`);
 * - port 8897 with nbguard's frontend disabled the way a user disables it,
 *   `jupyter labextension disable jupyterlab-nbguard`, written into a private
 *   `JUPYTER_CONFIG_DIR` so that the installed configuration is untouched
 *   (`WITHOUT`). Its server extension stays loaded; nothing of nbguard runs
 *   in that browser.
 *
 * Run from ui-tests/: `jlpm playwright test --config bench/playwright.bench.config.js`.
 */
const { execSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const base = require('../playwright.config');

const WITH = 8898;
const WITHOUT = 8897;

// Created once by the main process; the test workers inherit the variable.
if (!process.env.NBGUARD_BENCH_ROOT) {
  process.env.NBGUARD_BENCH_ROOT = fs.mkdtempSync(
    path.join(os.tmpdir(), 'nbguard-bench-')
  );
  const configDir = path.join(process.env.NBGUARD_BENCH_ROOT, '.config-off');
  fs.mkdirSync(configDir);
  execSync('jupyter labextension disable --level=user jupyterlab-nbguard', {
    env: { ...process.env, JUPYTER_CONFIG_DIR: configDir },
    stdio: 'ignore'
  });
  process.env.NBGUARD_BENCH_CONFIG_OFF = configDir;
}

function server(port, env = {}) {
  return {
    command: 'jupyter lab --config jupyter_server_bench_config.py',
    cwd: __dirname,
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    env: { ...process.env, NBGUARD_BENCH_PORT: String(port), ...env }
  };
}

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: '*.bench.ts',
  testIgnore: [],
  retries: 0,
  timeout: 15 * 60 * 1000,
  reporter: [['list']],
  webServer: [
    server(WITH),
    server(WITHOUT, {
      JUPYTER_CONFIG_DIR: process.env.NBGUARD_BENCH_CONFIG_OFF
    })
  ],
  use: {
    ...base.use,
    baseURL: `http://localhost:${WITH}`,
    screenshot: 'off',
    trace: 'off'
  }
};
