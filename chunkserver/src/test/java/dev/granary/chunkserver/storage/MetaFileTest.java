package dev.granary.chunkserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Checksums;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaFileTest {
  @TempDir Path dir;

  private static byte[] bytes(ReplicaMeta m, int[] crcs) {
    ByteBuffer b = MetaFile.encode(m, crcs);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static ReplicaMeta meta(long handle, long length, int[] crcs) {
    return new ReplicaMeta(handle, 5, length, Checksums.digest(length, crcs, crcs.length));
  }

  @Test
  void roundTripThroughAFile() throws Exception {
    int[] crcs = {1, 2, 0xdeadbeef};
    ReplicaMeta m = meta(0xabcdefL, 2 * 65536 + 10, crcs);
    Path p = dir.resolve("x.meta");
    try (var ch = MetaFile.writeUnforced(p, m, crcs)) {
      ch.force(false);
    }
    MetaFile.Contents c = MetaFile.read(p, 0xabcdefL);
    assertEquals(m, c.meta());
    assertArrayEquals(crcs, c.blockCrcs());
  }

  @Test
  void emptyReplicaHasNoBlocks() throws Exception {
    ReplicaMeta m = meta(1, 0, new int[0]);
    MetaFile.Contents c = MetaFile.decode(bytes(m, new int[0]), "t");
    assertEquals(m, c.meta());
    assertEquals(0, c.blockCrcs().length);
  }

  @Test
  void everyFlippedByteIsDetected() {
    int[] crcs = {7, 8};
    byte[] good = bytes(meta(3, 65537, crcs), crcs);
    for (int i = 0; i < good.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        assertThrows(CorruptReplicaException.class, () -> MetaFile.decode(bad, "t"),
            "flip of bit " + bit + " in byte " + i);
      }
    }
  }

  @Test
  void truncationAndWrongHandleAreDetected() throws Exception {
    int[] crcs = {7, 8};
    byte[] good = bytes(meta(3, 65537, crcs), crcs);
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThrows(CorruptReplicaException.class, () -> MetaFile.decode(cut, "t"));
    }
    Path p = dir.resolve("y.meta");
    Files.write(p, good);
    CorruptReplicaException e = assertThrows(CorruptReplicaException.class,
        () -> MetaFile.read(p, 4));
    assertTrue(e.getMessage().contains("0000000000000003"), e.getMessage());
  }

  @Test
  void blockCountMustMatchLength() {
    int[] crcs = {7};
    ReplicaMeta wrong = new ReplicaMeta(3, 1, 65537, Checksums.digest(65537, crcs, 1));
    assertThrows(IllegalArgumentException.class, () -> MetaFile.encode(wrong, crcs));
  }
}
