package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.ClusterStatus;
import dev.granary.client.FileInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import dev.granary.config.Credentials;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web dashboard of a real {@code tls} cluster (master and chunkservers in this JVM, HTTPS with
 * the cluster's certificates) in a real headless Chromium: nothing but the sign-in form before a
 * token is accepted; the overview lists every chunkserver, shows one that was killed as DEAD and
 * the repair, then HEALTHY; a file uploaded through the page, as the signed-in user, downloads
 * byte-identical; what the user may not do is refused with the master's reason. Each page's
 * screenshot is kept in {@code target/screenshots/}.
 */
class DashboardBrowserTest {
  private static final int CHUNK = 1 << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private MiniCluster cluster;
  private Browser browser;

  @AfterEach
  void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** {@code n} chunkservers of 1 GiB each (a fixed capacity), chunks of 1 MiB, HTTP on. */
  private void startCluster(int n) throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(n)
        .withChunkSize(CHUNK).withCapacity(1L << 30).withHttp(true));
    assertTrue(cluster.cluster().settings().secured(), "the default is tls");
    List<X509Certificate> trusted = List.of(cluster.cluster().caCertificate(),
        cluster.cluster().master().pki().masterKeys().certificate());
    browser = Browser.start(trusted, Files.createDirectories(tmp.resolve("downloads")),
        DEADLINE);
  }

  private String url() {
    return cluster.cluster().master().http().url();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Whether an element {@code css} selects is on the page and displayed. */
  private boolean shown(String css) {
    for (WebElement e : browser.findAll(css)) {
      if (e.isDisplayed()) {
        return true;
      }
    }
    return false;
  }

  private void signIn(String token) {
    WebElement field = browser.visible("#token");
    field.clear();
    field.sendKeys(token);
    browser.find("#login-button").click();
  }

  private Alert alert() {
    return browser.until("a dialog", ExpectedConditions.alertIsPresent());
  }

  /** The node ids the page shows as {@code selector} rows/tiles, with their states. */
  private Set<String> shownNodes(String selector) {
    Set<String> out = new TreeSet<>();
    for (WebElement e : browser.findAll(selector)) {
      out.add(e.getAttribute("data-node-id") + "=" + e.getAttribute("data-state"));
    }
    return out;
  }

  private static Set<String> expectedNodes(ClusterStatus st) {
    Set<String> out = new TreeSet<>();
    for (NodeStatus n : st.nodes()) {
      out.add(n.id() + "=" + n.state());
    }
    return out;
  }

  @Test
  void overviewShowsEveryChunkserverThenOneKilledAsDeadAndItsRepairThenHealthy()
      throws Exception {
    startCluster(4);
    GranaryClient admin = cluster.client();
    for (int i = 0; i < 6; i++) {
      try (OutputStream out = admin.create("/data/f" + i, WriteOptions.defaults()
          .withChunkSize(CHUNK))) {
        out.write(random(2 * CHUNK + 4321, i));
      }
    }
    cluster.awaitHealthy(DEADLINE);
    ClusterStatus before = admin.clusterStatus();
    assertEquals(4, before.nodes().size());

    // Before a token: the sign-in form and nothing of the cluster.
    browser.open(url());
    browser.visible("#login");
    assertFalse(shown("#nav"), "navigation before sign-in");
    assertFalse(shown(".page"), "a page before sign-in");
    for (NodeStatus n : before.nodes()) {
      assertFalse(browser.pageText().contains(n.id()), "node id shown before sign-in");
    }
    browser.screenshot("01-sign-in");

    signIn("not-the-right-token");
    String refused = browser.until("the refusal of a wrong token", d ->
        shown("#login-error") ? browser.text("#login-error") : null);
    assertTrue(refused.contains("not valid"), refused);
    assertFalse(shown(".page"), "a page after a wrong token");
    browser.screenshot("02-sign-in-refused");

    signIn(Credentials.read(cluster.adminCredentials()).token());
    browser.visible("#page-overview");
    assertTrue(browser.text("#who").contains("admin"), browser.text("#who"));
    Set<String> expected = expectedNodes(before);
    browser.until("every chunkserver LIVE on the overview: " + expected,
        d -> shownNodes("#node-tiles li[data-node-id]").equals(expected));
    browser.until("HEALTHY", d -> browser.text("#health").equals("HEALTHY"));
    browser.until("the capacity of 4 GiB", d -> browser.text("#capacity-text")
        .contains("of 4.00 GiB"));
    browser.until("both charts drawn", d -> browser.findAll(".chart .uplot").size() == 2);
    browser.screenshot("03-overview");

    // Kill a chunkserver that holds replicas.
    String victim = cluster.chunkserver(0).nodeId();
    cluster.cluster().stopChunkserver(0);
    String deadTile = "#node-tiles li[data-node-id='" + victim + "']";
    browser.until(victim + " DEAD on the overview", d ->
        "DEAD".equals(browser.find(deadTile).getAttribute("data-state")));
    browser.screenshot("04-overview-dead");

    // The repair: shown while it runs (if a 3 s poll catches it), then what it took.
    AtomicBoolean sawRunning = new AtomicBoolean();
    browser.until("HEALTHY again with the last repair's time", d -> {
      if ("running".equals(browser.find("#repair").getAttribute("data-state"))
          && !sawRunning.getAndSet(true)) {
        browser.screenshot("05-overview-repairing");
      }
      return browser.text("#health").equals("HEALTHY")
          && browser.find("#repair-detail").getAttribute("data-last-seconds") != null;
    });
    double shownSeconds = Double.parseDouble(browser.find("#repair-detail")
        .getAttribute("data-last-seconds"));
    long lastMillis = cluster.cluster().master().chunks().repairStatus().lastMillis();
    assertTrue(lastMillis >= 0, "the master timed a repair");
    assertEquals(lastMillis / 1000.0, shownSeconds, 0.01, "the repair time the page shows");
    assertTrue(browser.text("#repair-detail").startsWith("The last repair took"),
        browser.text("#repair-detail"));
    assertEquals("DEAD", browser.find(deadTile).getAttribute("data-state"));
    assertFalse(shown("#health-alert"), "no alert once healthy");
    browser.screenshot("06-overview-healthy-again");

    browser.find("#nav a[data-page='chunkservers']").click();
    Set<String> after = expectedNodes(admin.clusterStatus());
    assertTrue(after.contains(victim + "=DEAD"), after.toString());
    browser.until("the chunkservers table: " + after,
        d -> shownNodes("#chunkservers tbody tr").equals(after));
    browser.screenshot("07-chunkservers");

    browser.find("#nav a[data-page='problems']").click();
    browser.until("fsck HEALTHY on the problems page",
        d -> browser.text("#fsck-status").equals("HEALTHY"));
    assertTrue(shown("#problems-none"), browser.pageText());
    browser.screenshot("08-problems");
  }

  @Test
  void aFileUploadedThroughThePageDownloadsByteIdenticalAsTheSignedInUser() throws Exception {
    startCluster(3);
    GranaryClient admin = cluster.client();
    Credentials alice = admin.addUser("alice", "staff", false);
    admin.mkdirs("/home/alice", true);
    admin.setOwner("/home/alice", "alice", "staff", false);
    try (OutputStream out = admin.create("/admins-only.txt", WriteOptions.defaults())) {
      out.write("the admin's\n".getBytes(StandardCharsets.UTF_8));
    }

    // Sign in with the credentials file itself.
    Path file = tmp.resolve("alice.credentials");
    alice.write(file, false);
    browser.open(url());
    browser.visible("#credentials-file").sendKeys(file.toString());
    browser.find("#login-button").click();
    browser.until("signed in as alice", d -> browser.text("#who").contains("alice"));

    browser.open(url() + "#/files/home/alice");
    browser.until("the empty home directory", d -> shown("#files-empty"));
    browser.find("#mkdir").click();
    Alert prompt = alert();
    prompt.sendKeys("my docs");
    prompt.accept();
    browser.until("the new folder opened", d -> browser.text("#breadcrumbs")
        .endsWith("my docs"));
    assertEquals("alice", admin.stat("/home/alice/my docs").owner());

    byte[] data = random(3 * CHUNK + 777, 42);
    Path upload = tmp.resolve("report v1.bin");
    Files.write(upload, data);
    browser.find("#upload-input").sendKeys(upload.toString());
    String row = "#files tr[data-name='report v1.bin']";
    browser.until("the uploaded file listed", d -> shown(row));
    String stored = "/home/alice/my docs/report v1.bin";
    try (InputStream in = admin.open(stored)) {
      assertArrayEquals(data, in.readAllBytes(), "what the cluster stored");
    }
    assertEquals("alice", admin.stat(stored).owner(), "uploaded as the signed-in user");

    // Its stat: each chunk with its replicas.
    browser.find(row + " button.link").click();
    browser.visible("#stat");
    FileInfo info = admin.statWithChunks(stored);
    assertEquals(4, info.chunks().size());
    browser.until("a row per chunk", d -> browser.findAll("#stat-chunks tbody tr").size() == 4);
    for (int i = 0; i < 4; i++) {
      String cells = browser.findAll("#stat-chunks tbody tr").get(i).getText();
      assertTrue(cells.contains(info.chunks().get(i).handle()), cells);
      for (String replica : info.chunks().get(i).replicas()) {
        assertTrue(cells.contains(replica), cells + " lacks " + replica);
      }
    }
    assertTrue(browser.text("#stat-fields").contains("alice:staff"),
        browser.text("#stat-fields"));
    browser.screenshot("09-files-stat");

    browser.find("#stat-download").click();
    assertArrayEquals(data, Files.readAllBytes(browser.awaitDownload("report v1.bin")),
        "the download");

    // The same name again without "overwrite": refused, with the way forward.
    browser.find("#upload-input").sendKeys(upload.toString());
    browser.until("the conflict", d -> shown("#files-error")
        && browser.text("#files-error").contains("overwrite"));
    browser.screenshot("10-files-conflict");

    // What alice may not do: the master's reason, and nothing lost.
    browser.open(url() + "#/files/");
    browser.until("the root listed", d -> shown("#files tr[data-name='admins-only.txt']"));
    browser.find("#files tr[data-name='admins-only.txt'] button.delete").click();
    alert().accept();
    browser.until("the refusal", d -> shown("#files-error"));
    // Deleting needs write permission on the directory: the master names it and the user.
    assertTrue(browser.text("#files-error").matches("permission denied: user alice may not write"
        + " / .*"), browser.text("#files-error"));
    admin.stat("/admins-only.txt");
    browser.screenshot("11-files-denied");

    // Her own file she may delete.
    browser.open(url() + "#/files/home/alice/my%20docs");
    browser.until("her file listed", d -> shown(row));
    browser.find(row + " button.delete").click();
    alert().accept();
    browser.until("her file gone", d -> browser.findAll(row).isEmpty());
    assertThrows(NotFoundException.class, () -> admin.stat(stored));

    // Signing out forgets the token: a reload shows only the sign-in form.
    browser.find("#logout").click();
    browser.visible("#login");
    browser.open(url() + "#/files/home/alice");
    browser.visible("#login");
    assertFalse(shown(".page"), "a page after signing out");
    assertFalse(shown("#nav"), "navigation after signing out");
    assertTrue(browser.findAll("#files tbody tr").isEmpty(), "a listing after signing out");
  }
}
