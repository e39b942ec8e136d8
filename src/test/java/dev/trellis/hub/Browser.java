package dev.trellis.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through the system's chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs). Selenium Manager is never asked: the machine has no
 * internet, so both paths are given. A machine without them fails the test with what to install, never skips it.
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("trellis.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("trellis.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts a fresh headless Chromium (its own empty profile: no cookies between tests). */
    public static Browser start() {
        for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the browser tests need Chromium and its driver "
                        + "(apt-get install -y chromium chromium-driver; bash .ci/run installs them)");
            }
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                // root on CI: no sandbox; containers have a small /dev/shm
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--no-first-run", "--disable-extensions", "--window-size=1024,768");
        options.setPageLoadTimeout(WAIT);
        try {
            return new Browser(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Waits (at most 20 s) until {@code condition} answers non-null and non-false, and returns its answer. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition::apply);
    }

    /** Resizes the window (1280 × 1000 for a desktop, 390 × 844 for a phone). */
    public void size(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    /** Saves what the window shows as a PNG (the directory is created). */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot save the screenshot " + file, e);
        }
    }

    /** Chromium's and its driver's versions, for a failure message or a report. */
    public String versions() {
        Object chrome = driver.getCapabilities().getCapability("chrome");
        return driver.getCapabilities().getBrowserName() + " " + driver.getCapabilities().getBrowserVersion()
                + (chrome instanceof java.util.Map<?, ?> m ? ", chromedriver " + m.get("chromedriverVersion") : "");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
