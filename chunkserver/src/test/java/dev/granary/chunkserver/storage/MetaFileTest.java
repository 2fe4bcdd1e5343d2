package dev.granary.chunkserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Checksums;
import dev.granary.wire.Sha256;
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

  private static final Sha256 SHA = Sha256.parse(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  private static ReplicaMeta meta(long handle, long length, int[] crcs) {
    return new ReplicaMeta(handle, 5, length, Checksums.digest(length, crcs, crcs.length), SHA);
  }

  /** A meta file as chunkservers wrote it before replicas had a SHA-256 (format 1). */
  private static byte[] formatOne(long handle, long length, int[] crcs) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 8 + 8 + 8 + 4 + 4 * crcs.length + 4);
    b.putInt(0x47524E4D).putInt(1).putLong(handle).putLong(5).putLong(length)
        .putLong(Checksums.digest(length, crcs, crcs.length)).putInt(crcs.length);
    for (int c : crcs) {
      b.putInt(c);
    }
    b.putInt(Checksums.crc32c(b.array(), 0, b.position()));
    return b.array();
  }

  @Test
  void formatTwoKeepsTheSha256AndNoneAlike() throws Exception {
    int[] crcs = {1, 2};
    ReplicaMeta m = meta(9, 65537, crcs);
    byte[] b = bytes(m, crcs);
    assertEquals(2, ByteBuffer.wrap(b).getInt(4));
    assertEquals(MetaFile.length(2), b.length);
    assertEquals(SHA, MetaFile.decode(b, "t").meta().sha256());
    ReplicaMeta none = new ReplicaMeta(9, 5, 65537, m.digest(), Sha256.NONE);
    assertEquals(none, MetaFile.decode(bytes(none, crcs), "t").meta());
  }

  @Test
  void formatOneIsStillReadWithoutASha256() throws Exception {
    int[] crcs = {7, 8, 9};
    long length = 2 * 65536 + 3;
    Path p = dir.resolve("old.meta");
    Files.write(p, formatOne(0x42, length, crcs));
    MetaFile.Contents c = MetaFile.read(p, 0x42);
    assertEquals(new ReplicaMeta(0x42, 5, length, Checksums.digest(length, crcs, 3), Sha256.NONE),
        c.meta());
    assertArrayEquals(crcs, c.blockCrcs());
    // The same checks as format 2: a flipped bit or a cut is corruption, not a short SHA-256.
    byte[] good = formatOne(0x42, length, crcs);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 1;
      assertThrows(CorruptReplicaException.class, () -> MetaFile.decode(bad, "t"));
      byte[] cut = Arrays.copyOf(good, i);
      assertThrows(CorruptReplicaException.class, () -> MetaFile.decode(cut, "t"));
    }
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
    ReplicaMeta wrong = new ReplicaMeta(3, 1, 65537, Checksums.digest(65537, crcs, 1), SHA);
    assertThrows(IllegalArgumentException.class, () -> MetaFile.encode(wrong, crcs));
  }
}
