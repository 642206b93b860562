// Takes the README's screenshots of the Aspire dashboard in Debian's chromium, headless:
// the resources page, and one invocation's trace from the gateway to the function.
//   node shoot.mjs LOGIN_URL TRACE_ID OUTPUT_FOLDER
import { chromium } from 'playwright-core';

const [login, traceId, output] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Without the background-networking flags chromium keeps calling home, which this machine refuses.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
  await page.goto(login);
  await page.getByText('Klusterkluck.Api.csproj').waitFor({ timeout: 60_000 });
  await dismissCertificateWarning(page);
  // Every resource running, and their health checks passed, before the picture.
  await page.waitForFunction(() => document.body.innerText.split('Running').length - 1 >= 2, null, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${output}/dashboard-resources.png` });

  await page.goto(new URL(`/traces/detail/${traceId}`, login).toString());
  await page.getByText('alice/hello').first().waitFor({ timeout: 60_000 });
  await dismissCertificateWarning(page);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${output}/dashboard-trace.png` });
} finally {
  await browser.close();
}

// A local run has no dev certificate on purpose (plain http): the banner that says so would hide the page.
async function dismissCertificateWarning(page) {
  const dismiss = page.locator('.dashboard-message-bar-dismiss');
  while (await dismiss.count() > 0) {
    await dismiss.first().click();
    await page.waitForTimeout(300);
  }
}
