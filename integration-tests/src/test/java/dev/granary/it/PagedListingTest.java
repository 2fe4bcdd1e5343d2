package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.DirectoryListing;
import dev.granary.client.DirectoryPage;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UncheckedGranaryException;
import dev.granary.client.WriteOptions;
import dev.granary.config.MasterConfig;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Paged listing through a real master on a TLS cluster: a directory of 2,500 entries comes in pages
 * of at most 1000 whatever the client asks, {@code list} and {@code listing} put the pages
 * together, and a directory that changes between pages is continued after the last name seen.
 */
class PagedListingTest {
  private static final int ENTRIES = 2500;
  private static MiniCluster cluster;
  private static GranaryClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(1)
        .withSecurity(MasterConfig.TLS));
    client = cluster.client();
    // One client shared by eight threads, as an application would: every fifth entry is an empty
    // file (a commit), the rest directories.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < ENTRIES; i += 8) {
            create(client, "/big/" + name(i), i % 5 == 0);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String name(int i) {
    return String.format("e%04d", i);
  }

  private static void create(GranaryClient c, String path, boolean file) throws Exception {
    if (file) {
      try (OutputStream out = c.create(path, WriteOptions.defaults().withReplication(1))) {
        // An empty file: the commit alone.
      }
    } else {
      c.mkdirs(path, true);
    }
  }

  private static List<String> names(List<FileStatus> entries) {
    return entries.stream().map(FileStatus::name).toList();
  }

  private static List<String> expected(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(name(i));
    }
    return out;
  }

  @Test
  void pagesHoldAtMostAThousandWhateverTheClientAsks() throws Exception {
    DirectoryPage asked5000 = client.listPage("/big", "", 5000);
    assertEquals(DirectoryPage.MAX_ENTRIES, asked5000.entries().size());
    assertTrue(asked5000.more());
    assertEquals(expected(0, 1000), names(asked5000.entries()));

    List<String> all = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String after = "";
    DirectoryPage page;
    do {
      page = client.listPage("/big", after, 1000);
      sizes.add(page.entries().size());
      all.addAll(names(page.entries()));
      after = page.nextStartAfter();
    } while (page.more());
    assertEquals(List.of(1000, 1000, 500), sizes);
    assertEquals(expected(0, ENTRIES), all);

    DirectoryPage small = client.listPage("/big", name(2497), 10);
    assertEquals(List.of(name(2498), name(2499)), names(small.entries()));
    assertFalse(small.more());
    DirectoryPage pastTheEnd = client.listPage("/big", "f", 10);
    assertTrue(pastTheEnd.entries().isEmpty());
    assertFalse(pastTheEnd.more());
    assertNull(pastTheEnd.nextStartAfter());
  }

  @Test
  void listAndListingPutThePagesTogether() throws Exception {
    List<FileStatus> whole = client.list("/big");
    assertEquals(expected(0, ENTRIES), names(whole));
    assertTrue(!whole.get(0).directory() && whole.get(1).directory(),
        "e0000 is a file, e0001 a directory");

    List<String> iterated = new ArrayList<>();
    client.listing("/big").forEachRemaining(s -> iterated.add(s.name()));
    assertEquals(expected(0, ENTRIES), iterated);

    // Listing a file gives that file, in one page.
    DirectoryPage file = client.listPage("/big/" + name(5), "", 10);
    assertEquals(List.of("/big/" + name(5)), file.entries().stream().map(FileStatus::path)
        .toList());
    assertFalse(file.more());
  }

  @Test
  void aDirectoryChangedBetweenPagesContinuesAfterTheLastNameSeen() throws Exception {
    for (int i = 0; i < 30; i++) {
      client.mkdirs("/moving/" + name(i), true);
    }
    DirectoryListing listing = client.listing("/moving");
    List<String> seen = new ArrayList<>();
    DirectoryPage first = client.listPage("/moving", "", 10);
    seen.addAll(names(first.entries()));
    // Between pages: the cursor's own entry is deleted, one behind it and one ahead are added,
    // one ahead is deleted and one ahead is renamed to the end.
    client.delete("/moving/" + name(9), false);
    client.mkdirs("/moving/" + name(3) + "a", false);
    client.mkdirs("/moving/" + name(15) + "a", false);
    client.delete("/moving/" + name(12), false);
    client.rename("/moving/" + name(20), "/moving/z");
    String after = first.nextStartAfter();
    DirectoryPage page;
    do {
      page = client.listPage("/moving", after, 10);
      seen.addAll(names(page.entries()));
      after = page.nextStartAfter();
    } while (page.more());
    List<String> want = new ArrayList<>(expected(0, 30));
    want.remove(name(12));
    want.remove(name(20));
    want.add(want.indexOf(name(15)) + 1, name(15) + "a");
    want.add("z");
    assertEquals(want, seen);

    // The iterator fetched nothing until asked: it sees the directory as it is now.
    List<String> now = new ArrayList<>();
    listing.forEachRemaining(s -> now.add(s.name()));
    assertEquals(names(client.list("/moving")), now);
    assertFalse(now.contains(name(9)));
  }

  @Test
  void mistakesAreTyped() {
    assertThrows(NotFoundException.class, () -> client.listPage("/nowhere", "", 10));
    assertThrows(InvalidArgumentException.class, () -> client.listPage("/big", "", 0));
    assertThrows(InvalidArgumentException.class, () -> client.listPage("big", "", 10));
    DirectoryListing missing = client.listing("/nowhere");
    UncheckedGranaryException e = assertThrows(UncheckedGranaryException.class,
        missing::hasNext);
    assertInstanceOf(NotFoundException.class, e.getCause());
    assertEquals("'/nowhere' does not exist", e.getMessage());
  }
}
