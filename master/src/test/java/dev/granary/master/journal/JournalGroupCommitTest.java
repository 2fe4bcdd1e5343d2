package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalGroupCommitTest {
  @TempDir
  Path dir;

  @Test
  void concurrentAppendsShareFsyncsAndAllBecomeDurable() throws Exception {
    int n = 400;
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    long syncs;
    try (MetadataStore store = MetadataStore.open(dir, 1_000_000, "t")) {
      for (int i = 0; i < n; i++) {
        futures.add(store.journal().append(new Op.Mkdir("c", i, 1, "/d" + i, false)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).join();
      syncs = store.journal().syncCount();
      assertEquals(n, store.journal().lastSeq());
    }
    assertTrue(syncs < n / 4, "group commit: " + syncs + " fsyncs for " + n + " records");
    Path seg = JournalFiles.segments(dir).firstEntry().getValue();
    assertEquals(n, Files.readAllLines(seg).size(), "the closed segment has no padding left");
    try (MetadataStore again = MetadataStore.open(dir, 1_000_000, "t")) {
      assertEquals(n, again.image().namespace().directoryCount());
      assertEquals(n, again.journal().lastSeq());
    }
  }

  @Test
  void appendAfterCloseFails() throws Exception {
    MetadataStore store = MetadataStore.open(dir, 1_000_000, "t");
    store.close();
    CompletableFuture<Void> f = store.journal().append(new Op.Reserve(1, 10));
    assertThrows(CompletionException.class, f::join);
  }
}
