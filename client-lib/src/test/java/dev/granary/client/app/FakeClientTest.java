package dev.granary.client.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.DirectoryListing;
import dev.granary.client.DirectoryPage;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.InternalException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UncheckedGranaryException;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * An application's code tested against a fake {@link GranaryClient} written with the exported API
 * alone: the interface can be faked, and the listing built on {@code listPage} pages lazily.
 */
class FakeClientTest {
  /** Application code under test: bytes under a directory, walked a page at a time. */
  static long diskUsage(GranaryClient client, String dir) {
    long total = 0;
    for (Iterator<FileStatus> it = client.listing(dir); it.hasNext(); ) {
      FileStatus s = it.next();
      total += s.directory() ? diskUsage(client, s.path()) : s.size();
    }
    return total;
  }

  /** Application code under test: a report written whole or not at all. */
  static void publish(GranaryClient client, String path, String text, boolean fail)
      throws Exception {
    GranaryOutputStream out = client.create(path, WriteOptions.defaults());
    out.write(text.getBytes(StandardCharsets.UTF_8));
    if (fail) {
      out.abort();
      return;
    }
    out.close();
  }

  @Test
  void applicationCodeRunsAgainstAFake() throws Exception {
    InMemoryGranaryClient fake = new InMemoryGranaryClient();
    try (GranaryClient client = fake) {
      for (int i = 0; i < 2500; i++) {
        publish(client, String.format("/logs/day%04d", i), "x".repeat(i % 7), false);
      }
      publish(client, "/logs/sub/extra", "12345", false);
      publish(client, "/logs/sub/broken", "never", true);
      long expected = 5;
      for (int i = 0; i < 2500; i++) {
        expected += i % 7;
      }
      assertEquals(expected, diskUsage(client, "/logs"));
      assertThrows(NotFoundException.class, () -> client.stat("/logs/sub/broken"));
      try (InputStream in = client.open("/logs/sub/extra")) {
        assertArrayEquals("12345".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
      }
      GranaryOutputStream again = client.create("/logs/sub/extra", WriteOptions.defaults());
      again.write(1);
      GranaryIOException exists = assertThrows(GranaryIOException.class, again::close);
      assertEquals("/logs/sub/extra: file exists", exists.granaryCause().getMessage());
    }
  }

  @Test
  void aListingFetchesPagesOnlyAsItIsRead() throws Exception {
    InMemoryGranaryClient fake = new InMemoryGranaryClient();
    for (int i = 0; i < 2500; i++) {
      fake.mkdirs(String.format("/d/e%04d", i), true);
    }
    DirectoryListing listing = fake.listing("/d");
    assertEquals(0, fake.pagesServed.get(), "nothing is fetched before the first hasNext");
    assertEquals("e0000", listing.next().name());
    assertEquals(1, fake.pagesServed.get());
    int seen = 1;
    while (listing.hasNext()) {
      assertEquals(String.format("e%04d", seen), listing.next().name());
      seen++;
      // A page is fetched when the previous one is used up, not before.
      assertEquals((seen + 999) / 1000, fake.pagesServed.get(), "after " + seen);
    }
    assertEquals(2500, seen);
    assertEquals(3, fake.pagesServed.get());
    assertThrows(NoSuchElementException.class, listing::next);

    fake.pagesServed.set(0);
    List<FileStatus> all = fake.list("/d");
    assertEquals(2500, all.size());
    assertEquals("e2499", all.get(2499).name());
    assertEquals(3, fake.pagesServed.get(), "list() takes the largest pages there are");
  }

  @Test
  void aFailedPageIsAnUncheckedExceptionCarryingTheTypedOne() throws Exception {
    InMemoryGranaryClient fake = new InMemoryGranaryClient();
    fake.mkdirs("/d/a", true);
    DirectoryListing listing = fake.listing("/gone");
    UncheckedGranaryException e = assertThrows(UncheckedGranaryException.class,
        listing::hasNext);
    assertInstanceOf(NotFoundException.class, e.getCause());
    assertEquals("/gone: no such file or directory", e.getMessage());
    // The same call may be retried once the cause is gone.
    fake.mkdirs("/gone/x", true);
    assertTrue(listing.hasNext());
    assertEquals("x", listing.next().name());
    assertFalse(listing.hasNext());
  }

  @Test
  void aPageThatSaysMoreButHoldsNothingIsABugNotAnEndlessLoop() {
    GranaryClient broken = new InMemoryGranaryClient() {
      @Override
      public synchronized DirectoryPage listPage(String dir, String startAfter, int limit) {
        return new DirectoryPage(List.of(), true);
      }
    };
    InternalException e = assertThrows(InternalException.class, () -> broken.list("/"));
    assertTrue(e.getMessage().contains("empty listing page"), e.getMessage());
    UncheckedGranaryException u = assertThrows(UncheckedGranaryException.class,
        () -> broken.listing("/").hasNext());
    assertInstanceOf(InternalException.class, u.getCause());
  }

  @Test
  void aPageIsImmutableAndSaysWhereTheNextStarts() throws GranaryException {
    InMemoryGranaryClient fake = new InMemoryGranaryClient();
    fake.mkdirs("/d/b", true);
    fake.mkdirs("/d/a", true);
    DirectoryPage page = fake.listPage("/d", "", 1);
    assertEquals("a", page.nextStartAfter());
    assertTrue(page.more());
    assertThrows(UnsupportedOperationException.class, () -> page.entries().add(null));
    List<FileStatus> mutable = new ArrayList<>(page.entries());
    DirectoryPage copy = new DirectoryPage(mutable, false);
    mutable.clear();
    assertEquals(1, copy.entries().size());
    assertNull(new DirectoryPage(List.of(), false).nextStartAfter());
    assertEquals(List.of("b"), fake.listPage("/d", "a", 1000).entries().stream()
        .map(FileStatus::name).toList());
  }
}
