/**
 * Configuration for Playwright using default from @jupyterlab/galata
 *
 * Runs against the system (Debian) chromium rather than a browser downloaded by
 * `playwright install` (the download host is unreachable here). Override the
 * binary with CHROMIUM_PATH.
 */
const { execSync } = require('child_process');
const fs = require('fs');

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    return process.env.CHROMIUM_PATH;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execSync(`which ${name}`, {
        stdio: ['ignore', 'pipe', 'ignore']
      })
        .toString()
        .trim();
      if (found) {
        return found;
      }
    } catch {
      // not on PATH, try the next name
    }
  }
  return fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

module.exports = {
  ...baseConfig,
  // One JupyterLab server, one kernel at a time: keep tests sequential.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // bench/ has its own config (playwright.bench.config.js); baseurl.spec.ts runs
  // under /user/alice/ (playwright.baseurl.config.js); rtc.spec.ts needs
  // jupyter-collaboration and runs from .ci/rtc.sh (playwright.rtc.config.js).
  testDir: './tests',
  testIgnore: ['**/rtc.spec.ts', '**/baseurl.spec.ts'],
  webServer: {
    command: 'jlpm start',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  },
  use: {
    ...baseConfig.use,
    launchOptions: {
      executablePath: findChromium(),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    // galata's default 'retain-on-failure' needs Playwright's ffmpeg download.
    video: 'off',
    screenshot: 'on',
    trace: 'retain-on-failure'
  }
};
