package dev.baton.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for the console's browser tests: Debian's {@code chromium} and {@code
 * chromedriver} (packages chromium, chromium-driver; {@code .ci/run} installs them), found on the
 * PATH or named by {@code BATON_TEST_CHROMIUM} / {@code BATON_TEST_CHROMEDRIVER}. Where neither can
 * be had the test is skipped with a message saying so (a JUnit assumption), never failed. Each
 * browser gets a fresh profile directory, removed on close. Screenshots go to {@code
 * target/console-screenshots/}.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  final WebDriver driver;
  private final Path profile;

  private Browser(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A started browser, or the calling test skipped when none can be had. */
  static Browser start() {
    File chromium = find("BATON_TEST_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
    File chromedriver = find("BATON_TEST_CHROMEDRIVER", "chromedriver");
    Assumptions.assumeTrue(chromium != null && chromedriver != null,
        "no headless browser here: install Debian's chromium and chromium-driver (.ci/run does) to run the console's browser tests");
    Path profile;
    try {
      profile = Files.createTempDirectory("baton-console-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=1280,800", "--lang=en-GB");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
        .usingAnyFreePort().build();
    try {
      WebDriver driver = new ChromeDriver(service, options);
      driver.manage().window().setSize(new Dimension(1280, 800));
      return new Browser(driver, profile);
    } catch (RuntimeException e) {
      delete(profile);
      Assumptions.abort("the browser would not start (" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "): console browser tests skipped");
      throw e; // not reached
    }
  }

  /** The executable an environment variable names, else the first of {@code names} on the PATH. */
  static File find(String env, String... names) {
    String named = System.getenv(env);
    if (named != null && !named.isBlank()) {
      File f = new File(named);
      return f.canExecute() ? f : null;
    }
    String path = System.getenv("PATH");
    for (String name : names) {
      for (String dir : path == null ? List.<String>of() : List.of(path.split(File.pathSeparator))) {
        File f = new File(dir, name);
        if (f.isFile() && f.canExecute()) {
          return f;
        }
      }
    }
    return null;
  }

  /**
   * Waits up to {@code seconds} for {@code until} to give something other than null or false; an
   * element missing, or replaced while it was read (the page redraws on live updates), is tried again.
   */
  <T> T await(int seconds, Function<WebDriver, T> until) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .until(until::apply);
  }

  /** Saves what the page shows as {@code target/console-screenshots/<name>.png}; its path. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
    }
  }

  private static void delete(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: best effort
    }
  }
}
