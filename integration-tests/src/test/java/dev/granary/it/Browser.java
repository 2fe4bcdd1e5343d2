package dev.granary.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through its ChromeDriver (Debian's {@code chromium} and {@code
 * chromium-driver}, which {@code .ci/run} installs when missing), for the dashboard's tests.
 * HTTPS is trusted by pinning the cluster's keys (Chromium's {@code
 * --ignore-certificate-errors-spki-list}), not by accepting any certificate. Downloads land in a
 * directory of the test's; screenshots go to {@code target/screenshots/}, kept as a test artifact.
 * Waits poll the page with a deadline ({@link WebDriverWait}), never a bare sleep.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  private final ChromeDriver driver;
  private final Path downloads;
  private final Duration timeout;

  private Browser(ChromeDriver driver, Path downloads, Duration timeout) {
    this.driver = driver;
    this.downloads = downloads;
    this.timeout = timeout;
  }

  /**
   * Starts Chromium, trusting HTTPS from servers whose chain holds one of {@code trusted}'s public
   * keys.
   *
   * @param downloads where downloaded files land
   * @throws IllegalStateException naming the Debian packages if Chromium or its driver is missing
   */
  static Browser start(List<X509Certificate> trusted, Path downloads, Duration timeout) {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(p + " is missing: the dashboard's browser tests need "
            + "Debian's chromium and chromium-driver (apt-get install -y chromium "
            + "chromium-driver, as .ci/run does)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    List<String> args = new ArrayList<>(List.of("--headless=new", "--no-sandbox",
        "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1100",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--lang=en-US"));
    if (!trusted.isEmpty()) {
      List<String> pins = new ArrayList<>();
      for (X509Certificate c : trusted) {
        pins.add(spkiPin(c));
      }
      args.add("--ignore-certificate-errors-spki-list=" + String.join(",", pins));
    }
    options.addArguments(args);
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toAbsolutePath().toString(),
        "download.prompt_for_download", false,
        "safebrowsing.enabled", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(timeout).scriptTimeout(timeout);
    return new Browser(driver, downloads, timeout);
  }

  /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium pins keys. */
  static String spkiPin(X509Certificate c) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded());
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  WebDriver driver() {
    return driver;
  }

  Path downloads() {
    return downloads;
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The visible text of the element {@code css} selects, or "" when there is none. */
  String text(String css) {
    List<WebElement> found = findAll(css);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /**
   * Polls {@code condition} until it gives a non-null, non-false value (returned) or the timeout
   * passes; the failure names {@code what} and carries the page's text and its console.
   */
  <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, timeout, condition);
  }

  <T> T until(String what, Duration deadline, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, deadline, Duration.ofMillis(100))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .withMessage(() -> what)
          .until(condition);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + deadline + " waiting for " + what
          + "\n--- page text ---\n" + pageText() + "\n--- console ---\n" + console(), e);
    }
  }

  /** Waits until an element {@code css} selects is displayed; returns it. */
  WebElement visible(String css) {
    return until(css + " visible", d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        if (e.isDisplayed()) {
          return e;
        }
      }
      return null;
    });
  }

  String pageText() {
    try {
      return driver.findElement(By.tagName("body")).getText();
    } catch (RuntimeException e) {
      return "(no page text: " + e + ")";
    }
  }

  /** The browser console's messages so far (errors of the page's scripts among them). */
  String console() {
    try {
      StringBuilder sb = new StringBuilder();
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
        sb.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
      }
      return sb.toString();
    } catch (RuntimeException e) {
      return "(no console: " + e + ")";
    }
  }

  /** Saves what the page shows as {@code target/screenshots/NAME.png}; returns the file. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save screenshot " + name, e);
    }
  }

  /**
   * Waits until {@code name} is completely downloaded (Chromium writes {@code .crdownload} until
   * it is done) and returns its path.
   */
  Path awaitDownload(String name) {
    Path file = downloads.resolve(name);
    until("download of " + name + " in " + downloads, d -> Files.isRegularFile(file)
        && !Files.exists(downloads.resolve(name + ".crdownload")) ? file : null);
    return file;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
