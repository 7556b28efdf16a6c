package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser (headless Chromium through chromedriver; skipped with a message
 * where there is none) against a running Baton with the auth string on and real data: sign-in,
 * counts that match the API's, a paused run resumed from its input form (a bad input first, whose
 * error the page shows), a cancel from the page, and a page that follows a state change without a
 * reload. Screenshots go to {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  static final String SECRET = "console browser ✓";
  @ClassServer(env = {"BATON_API_AUTH_STRING=" + SECRET}) static TestServer server;
  static ApiClient api;
  static Browser browser;
  static String base;

  /** The API with the credentials (every call of this test is authenticated). */
  static final class Authed {
    static final Map<String, String> AUTH = Map.of("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));

    static ApiClient.Response post(String path, Object body) {
      return api.raw("POST", path, ApiClient.toJson(body), "application/json", AUTH);
    }

    static ApiClient.Response get(String path) {
      return api.raw("GET", path, null, null, AUTH);
    }
  }

  /** Why there is no browser (null: there is one). */
  static String skipped;

  @BeforeAll
  static void open() {
    api = server.api();
    base = "http://127.0.0.1:" + server.port() + "/";
    try {
      browser = Browser.start();
    } catch (org.opentest4j.TestAbortedException e) {
      skipped = e.getMessage();
      System.err.println("[ConsoleBrowserIT] skipped: " + skipped);
    }
  }

  /** Each test is reported skipped, with the reason, when the browser could not be had. */
  @org.junit.jupiter.api.BeforeEach
  void needsTheBrowser() {
    org.junit.jupiter.api.Assumptions.assumeTrue(browser != null, skipped);
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.close();
    }
  }

  private static UUID flow() {
    return Authed.post("/api/flows/", obj("name", "console-" + UUID.randomUUID())).expect(201).id();
  }

  private static UUID flowRun(UUID flow, String type, Object... extra) {
    JsonNode st = state(type);
    com.fasterxml.jackson.databind.node.ObjectNode body = obj("flow_id", flow.toString(), "state", st);
    body.setAll(obj(extra));
    return Authed.post("/api/flow_runs/", body).expect(201).id();
  }

  private static String flowState(UUID id) {
    return Authed.get("/api/flow_runs/" + id).expect(200).text("state_type");
  }

  private static WebElement el(String css) {
    return browser.driver.findElement(By.cssSelector(css));
  }

  /** Clicks an element, found again if the page redrew it meanwhile (live updates redraw). */
  private static void click(String css) {
    browser.await(10, d -> {
      el(css).click();
      return true;
    });
  }

  /** An element's text, read again if the page redrew it meanwhile. */
  private static String text(String css) {
    return browser.await(10, d -> el(css).getText());
  }

  private static void go(String hash) {
    browser.driver.get(base + hash);
  }

  @Test
  @Order(1)
  void signsInAndTheCountsMatchTheApi() {
    UUID flow = flow();
    List<UUID> runs = new ArrayList<>();
    for (String type : new String[] {"RUNNING", "RUNNING", "FAILED", "COMPLETED", "SCHEDULED", "PENDING"}) {
      runs.add(flowRun(flow, type, "tags", List.of("console")));
    }
    for (int i = 0; i < 5; i++) {
      Authed.post("/api/task_runs/", obj("flow_run_id", runs.get(0).toString(), "task_key", "t" + i, "dynamic_key", "0",
          "state", state(i < 3 ? "COMPLETED" : "RUNNING"))).expect(201);
    }
    go("#/overview");
    browser.await(10, d -> el("#login").isDisplayed());
    el("#secret").sendKeys(SECRET);
    el("#login-form button[type=submit]").click();
    browser.await(10, d -> !el("#login").isDisplayed());
    browser.await(10, d -> el("#live").getAttribute("class").contains("on"));
    String[] types = {"SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED"};
    for (String kind : new String[] {"flow", "task"}) {
      for (String type : types) {
        String path = "/api/" + kind + "_runs/count";
        long viaApi = Long.parseLong(Authed.post(path, obj(kind + "_runs", obj("state", obj("type", obj("any_", List.of(type))))))
            .expect(200).raw());
        String css = "[data-count='" + kind + "." + type + "'] .n";
        // the page counts at most once a second: wait for the count the API gives
        browser.await(10, d -> el(css).getText().replace(",", "").equals(String.valueOf(viaApi)));
      }
    }
    assertTrue(text("[data-count='flow.RUNNING'] .n").length() > 0);
    browser.await(10, d -> !el("[data-kpi=tps] .v").getText().isEmpty());
    browser.screenshot("overview");
    browser.size(390, 844);
    browser.screenshot("overview-phone");
    browser.size(1280, 800);

    // a count links to the runs it counts
    click("[data-count='flow.FAILED']");
    browser.await(10, d -> d.getCurrentUrl().contains("#/runs?kind=flow&state=FAILED"));
    browser.await(10, d -> !d.findElements(By.cssSelector("table.runs tbody tr")).isEmpty());
    List<String> shown = browser.await(10, d -> d.findElements(By.cssSelector("table.runs [data-col=state] .badge")).stream()
        .map(b -> b.getAttribute("data-state")).toList());
    assertTrue(!shown.isEmpty() && shown.stream().allMatch("FAILED"::equals), shown.toString());
    browser.screenshot("runs");
  }

  @Test
  @Order(2)
  void resumesAPausedRunFromItsInputFormAfterABadInput() {
    UUID run = flowRun(flow(), "RUNNING");
    String key = "k" + UUID.randomUUID().toString().substring(0, 8);
    // as Prefect's pause_flow_run(wait_for_input=…) does: PAUSED with the keyset, then the schema saved
    com.fasterxml.jackson.databind.node.ObjectNode keyset = obj("description", "paused-" + key + "-description",
        "response", "paused-" + key + "-response", "schema", "paused-" + key + "-schema");
    assertEquals("ACCEPT", Authed.post("/api/flow_runs/" + run + "/set_state", obj("state", state("PAUSED", "state_details",
        obj("pause_timeout", Instant.now().plusSeconds(600).toString(), "pause_key", key, "run_input_keyset", keyset)))).text("status"));
    String schema = "{\"title\":\"Approval\",\"type\":\"object\",\"properties\":{\"count\":{\"title\":\"Count\",\"type\":\"integer\","
        + "\"minimum\":1},\"note\":{\"title\":\"Note\",\"type\":\"string\"}},\"required\":[\"count\"]}";
    Authed.post("/api/flow_runs/" + run + "/input", obj("key", "paused-" + key + "-schema", "value", schema)).expect(201);

    go("#/paused");
    browser.await(10, d -> !d.findElements(By.cssSelector("tr[data-run='" + run + "'] a")).isEmpty());
    click("tr[data-run='" + run + "'] a");
    browser.await(10, d -> d.getCurrentUrl().endsWith("#/flow-run/" + run));
    browser.await(10, d -> el("#in-count").isDisplayed());
    el("#in-count").sendKeys("0");
    el("#in-note").sendKeys("from the console");
    el("#resume-submit").click();
    WebElement error = browser.await(10, d -> {
      List<WebElement> e = d.findElements(By.cssSelector("#resume-result .error"));
      return e.isEmpty() ? null : e.get(0);
    });
    assertTrue(error.getText().contains("0 is less than the minimum of 1"), error.getText());
    browser.screenshot("resume-rejected");
    assertEquals("PAUSED", flowState(run), "a rejected input resumes nothing");

    el("#in-count").clear();
    el("#in-count").sendKeys("3");
    el("#resume-submit").click();
    browser.await(10, d -> !d.findElements(By.cssSelector("#resume-result [data-status=ACCEPT]")).isEmpty());
    assertEquals("RUNNING", flowState(run));
    JsonNode input = Authed.get("/api/flow_runs/" + run + "/input/paused-" + key + "-response").expect(200).body();
    assertEquals(3, input.path("count").asInt(), input.toString());
    assertEquals("from the console", input.path("note").asText(), input.toString());
    browser.await(10, d -> "RUNNING".equals(el("#run-state .badge").getAttribute("data-state")));
    browser.screenshot("flow-run");
  }

  @Test
  @Order(3)
  void cancelsARunFromItsPageAfterConfirmation() {
    UUID run = flowRun(flow(), "SCHEDULED");
    go("#/flow-run/" + run);
    browser.await(10, d -> el("#cancel-run").isDisplayed());
    click("#cancel-run");
    browser.await(5, d -> el("#confirm").isDisplayed());
    browser.screenshot("cancel-confirm");
    el("#confirm button[value=cancel]").click();
    assertEquals("SCHEDULED", flowState(run), "kept when not confirmed");
    click("#cancel-run");
    browser.await(5, d -> el("#confirm").isDisplayed());
    el("#confirm-ok").click();
    // a scheduled run without infrastructure: Cancelling goes straight to Cancelled
    browser.await(10, d -> !d.findElements(By.cssSelector("#run-actions + [role=status] p")).isEmpty());
    browser.screenshot("cancelled");
    browser.await(10, d -> "CANCELLED".equals(el("#run-state .badge").getAttribute("data-state")));
    assertEquals("CANCELLED", flowState(run));
    browser.await(10, d -> !d.findElements(By.cssSelector("ol.timeline [data-state=CANCELLED]")).isEmpty());

    // a running one goes to Cancelling, where its worker or process takes over (as with Prefect's UI)
    UUID running = flowRun(flow(), "RUNNING");
    go("#/flow-run/" + running);
    browser.await(10, d -> el("#cancel-run").isDisplayed());
    click("#cancel-run");
    browser.await(5, d -> el("#confirm").isDisplayed());
    el("#confirm-ok").click();
    browser.await(10, d -> "CANCELLING".equals(el("#run-state .badge").getAttribute("data-state")));
    assertEquals("CANCELLING", flowState(running));
  }

  @Test
  @Order(4)
  void followsAStateChangeWithoutAReload() {
    UUID flow = flow();
    String tag = "live-" + UUID.randomUUID().toString().substring(0, 8);
    UUID run = flowRun(flow, "RUNNING", "tags", List.of(tag));
    go("#/runs?kind=flow&tags=" + tag);
    String row = "tr[data-run='" + run + "'] [data-col=state] .badge";
    browser.await(10, d -> "RUNNING".equals(el(row).getAttribute("data-state")));
    JavascriptExecutor js = (JavascriptExecutor) browser.driver;
    js.executeScript("window.__sameDocument = 'yes';");
    Object seqBefore = js.executeScript("return document.body.dataset.liveSeq;");
    assertEquals("ACCEPT", Authed.post("/api/flow_runs/" + run + "/set_state", obj("state", state("COMPLETED"))).text("status"));
    browser.await(10, d -> "COMPLETED".equals(el(row).getAttribute("data-state")));
    assertEquals("yes", js.executeScript("return window.__sameDocument;"), "the page was not reloaded");
    assertTrue(!String.valueOf(seqBefore).equals(js.executeScript("return document.body.dataset.liveSeq;")));

    // the run's own page follows too
    UUID other = flowRun(flow, "RUNNING");
    go("#/flow-run/" + other);
    browser.await(10, d -> "RUNNING".equals(el("#run-state .badge").getAttribute("data-state")));
    js.executeScript("window.__sameDocument = 'still';");
    Authed.post("/api/flow_runs/" + other + "/set_state", obj("state", state("FAILED"))).expect(201);
    browser.await(10, d -> "FAILED".equals(el("#run-state .badge").getAttribute("data-state")));
    assertEquals("still", js.executeScript("return window.__sameDocument;"));
  }

  @Test
  @Order(5)
  void concurrencyAndTheViewsOfRoutesStillToCome() {
    Authed.post("/api/concurrency_limits/", obj("tag", "console-tag", "concurrency_limit", 2)).expect(201);
    go("#/concurrency");
    browser.await(10, d -> !d.findElements(By.cssSelector("tr[data-limit='tag:console-tag']")).isEmpty());
    assertEquals("0 / 2", text("tr[data-limit='tag:console-tag'] [data-col=slots]"));
    browser.screenshot("concurrency");
    // deployments' and work pools' filter routes: the page shows what the API answers
    int deployments = Authed.post("/api/deployments/filter", obj()).status();
    go("#/deployments");
    if (deployments == 404 || deployments == 405) {
      browser.await(10, d -> !d.findElements(By.cssSelector("[data-unavailable]")).isEmpty());
    } else {
      browser.await(10, d -> d.findElements(By.cssSelector("main p.muted")).stream().noneMatch(p -> p.getText().equals("Loading…")));
    }
    int pools = Authed.post("/api/work_pools/filter", obj()).status();
    go("#/work-pools");
    if (pools == 404 || pools == 405) {
      browser.await(10, d -> !d.findElements(By.cssSelector("[data-unavailable]")).isEmpty());
    }
  }
}
