package dev.granary.it;

import static dev.granary.it.Retention.REPLICAS;
import static dev.granary.it.Retention.assertKept;
import static dev.granary.it.Retention.awaitFreed;
import static dev.granary.it.Retention.handles;
import static dev.granary.it.Retention.union;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta updates on a real {@code tls} cluster with 64 MiB chunks: {@code put --force} of a
 * 256 MiB local file with one 1 MiB region changed sends the one chunk that changed and names the
 * other three, the result reads back byte for byte, and the replaced chunk's replica files leave
 * the disks exactly when nothing holds it any more: at once without a keep-versions policy, when
 * its version is dropped under {@code --keep-versions 1}, when the snapshot is deleted under a
 * snapshot. The 256 MiB live in one local temp file edited in place ({@link PieceContent}): no
 * file is ever held in the heap.
 */
class DeltaClusterTest {
  static final int MiB = PieceContent.PIECE;
  static final long CHUNK = 64L * MiB;
  static final int CHUNKS = 4;
  /** The file is made of 1 MiB pieces, each generated from its own seed. */
  static final int PIECES = (int) (CHUNKS * CHUNK / MiB);
  static final int PIECES_PER_CHUNK = (int) (CHUNK / MiB);

  @TempDir
  static Path tmp;
  static MiniCluster cluster;
  static GranaryClient c;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(Retention.settings(CHUNK));
    c = Retention.client(cluster);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static UploadResult put(Path local, String remote, boolean force) throws Exception {
    return c.upload(local, remote, WriteOptions.defaults().withOverwrite(force)
        .withChunkSize(CHUNK), TransferListener.NONE);
  }

  /**
   * Changes piece {@code piece} of {@code local} (now {@code from}) and {@code put --force}s it:
   * exactly the chunk holding the piece is sent, the others are named. Returns the new contents.
   */
  private static PieceContent deltaPut(Path local, String remote, PieceContent from, int piece,
      long seed, List<String> before) throws Exception {
    PieceContent to = from.changed(piece, seed);
    to.writePiece(local, piece);
    UploadResult r = put(local, remote, true);
    String what = remote + ": put --force with MiB " + piece + " changed: " + r;
    DedupClusterTest.assertSent(r, CHUNK, 1, CHUNKS - 1);
    assertEquals(CHUNKS * CHUNK, r.status().size(), what);
    List<String> after = handles(c, remote);
    int changed = piece / PIECES_PER_CHUNK;
    for (int i = 0; i < CHUNKS; i++) {
      if (i == changed) {
        assertNotEquals(before.get(i), after.get(i), what + ": the changed chunk is new");
      } else {
        assertEquals(before.get(i), after.get(i), what + ": chunk " + i + " is reused");
      }
    }
    return to;
  }

  private static List<Long> versions(String path) throws Exception {
    return c.versions(path).stream().map(FileVersion::version).toList();
  }

  @Test
  void aDeltaPutSendsOneChunkAndFreesTheOneItReplaced() throws Exception {
    Path local = tmp.resolve("plain.bin");
    PieceContent a = PieceContent.of(1, PIECES);
    a.writeTo(local);
    DedupClusterTest.assertSent(put(local, "/plain/f", false), CHUNKS * CHUNK, CHUNKS, 0);
    List<String> ha = handles(c, "/plain/f");

    // MiB 70 lies in chunk 1.
    PieceContent b = deltaPut(local, "/plain/f", a, 70, 2, ha);
    b.assertRead(c.open("/plain/f"), "/plain/f after the delta put");
    List<String> hb = handles(c, "/plain/f");
    assertEquals(List.of(1L), versions("/plain/f"), "no policy keeps a version");
    awaitFreed(cluster, List.of(ha.get(1)), "the replaced chunk without a keep-versions policy");
    assertKept(cluster, hb, "the three reused chunks and the new one");

    // Nothing changed: nothing is sent, every chunk is named.
    DedupClusterTest.assertSent(put(local, "/plain/f", true), 0, 0, CHUNKS);
    assertEquals(hb, handles(c, "/plain/f"));
    assertKept(cluster, hb, "an unchanged put --force");
  }

  @Test
  void aKeptVersionAndASnapshotKeepTheReplacedChunkUntilTheyGo() throws Exception {
    c.mkdirs("/keep", true);
    c.setPolicy("/keep", PolicyChange.none().keepVersions(1));
    String f = "/keep/f";
    Path local = tmp.resolve("keep.bin");
    PieceContent a = PieceContent.of(10, PIECES);
    a.writeTo(local);
    put(local, f, false);
    List<String> ha = handles(c, f);

    // Version 1 keeps chunk 1 of a.
    PieceContent b = deltaPut(local, f, a, PIECES_PER_CHUNK + 3, 11, ha);
    List<String> hb = handles(c, f);
    assertEquals(List.of(2L, 1L), versions(f));
    a.assertRead(c.open(f, 1), f + " version 1");
    assertKept(cluster, union(ha, hb), "version 1 holds the replaced chunk");

    // The next delta put (in chunk 2) drops version 1: a's chunk 1 goes, a's chunk 2 stays with
    // version 2.
    PieceContent cc = deltaPut(local, f, b, 2 * PIECES_PER_CHUNK + 40, 12, hb);
    List<String> hc = handles(c, f);
    assertEquals(List.of(3L, 2L), versions(f));
    assertThrows(NotFoundException.class, () -> c.open(f, 1));
    b.assertRead(c.open(f, 2), f + " version 2");
    awaitFreed(cluster, List.of(ha.get(1)), "version 1 dropped");
    assertKept(cluster, union(hb, hc), "versions 2 and 3");

    // Under a snapshot, with versions no longer kept: the delta put (in chunk 3) drops version 2
    // (freeing b's chunk 2), while the snapshot keeps cc's chunk 3.
    c.createSnapshot("/keep", "s");
    c.setPolicy("/keep", PolicyChange.none().keepVersions(0));
    PieceContent d = deltaPut(local, f, cc, 3 * PIECES_PER_CHUNK + 63, 13, hc);
    List<String> hd = handles(c, f);
    // Keeping no versions ends the history: the contents start again as version 1.
    assertEquals(List.of(1L), versions(f));
    awaitFreed(cluster, List.of(hb.get(2)), "version 2 dropped, held by no snapshot");
    assertKept(cluster, union(hc, hd), "the snapshot holds the replaced chunk");
    cc.assertRead(c.open("/keep/.snapshot/s/f"), "the snapshot's copy");
    assertEquals(hc, handles(c, "/keep/.snapshot/s/f"));

    c.deleteSnapshot("/keep", "s");
    awaitFreed(cluster, List.of(hc.get(3)), "the chunk only the deleted snapshot held");
    assertKept(cluster, hd, "the current contents");
    d.assertRead(c.open(f), f + " at the end");
    assertEquals(Set.of(), Set.copyOf(c.snapshots("/keep")));
  }
}
