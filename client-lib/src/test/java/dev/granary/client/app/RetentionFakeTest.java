package dev.granary.client.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeleteResult;
import dev.granary.client.DeniedException;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryIOException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Policies, versions, snapshots and the trash through the exported API, against the in-memory
 * fake: what an application's test of code that uses them would do, and a check that the API's
 * shapes (PolicyChange, DirectoryPolicy, DeleteResult.trashed) carry what such code needs.
 */
class RetentionFakeTest {
  private final InMemoryGranaryClient client = new InMemoryGranaryClient();

  private void write(String path, String text, boolean overwrite) throws Exception {
    try (GranaryOutputStream out = client.create(path,
        WriteOptions.defaults().withOverwrite(overwrite))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String read(String path, long version) throws Exception {
    try (InputStream in = client.open(path, version)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPolicyIsInheritedFromTheNearestDirectoryAndCleared() throws Exception {
    client.mkdirs("/p/q/r", true);
    DirectoryPolicy top = client.setPolicy("/p", PolicyChange.none().replication(2)
        .keepVersions(3).trash(Duration.ofDays(7)));
    assertEquals(2, top.replication().getAsInt());
    client.setPolicy("/p/q", PolicyChange.none().keepVersions(1));
    DirectoryPolicy r = client.policy("/p/q/r");
    assertEquals(1, r.keepVersions().getAsInt());
    assertEquals("/p/q", r.setting(DirectoryPolicy.KEEP_VERSIONS).get().from());
    assertEquals("/p", r.setting(DirectoryPolicy.REPLICATION).get().from());
    assertEquals(Duration.ofDays(7), r.trash().get());
    client.setPolicy("/p/q", PolicyChange.none().clear(DirectoryPolicy.KEEP_VERSIONS));
    assertEquals(3, client.policy("/p/q/r").keepVersions().getAsInt());
    assertTrue(client.policy("/").settings().isEmpty());
    assertEquals(List.of(DirectoryPolicy.REPLICATION, DirectoryPolicy.KEEP_VERSIONS,
        DirectoryPolicy.TRASH), r.settings().stream().map(DirectoryPolicy.Setting::key).toList());
  }

  @Test
  void aChangeOutsideTheRulesIsRefusedBeforeAnythingIsSent() {
    assertThrows(IllegalArgumentException.class, () -> PolicyChange.none().replication(0));
    assertThrows(IllegalArgumentException.class, () -> PolicyChange.none().keepVersions(1001));
    assertThrows(IllegalArgumentException.class,
        () -> PolicyChange.none().trash(Duration.ofDays(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> PolicyChange.none().trash(Duration.ofDays(365 * 11)));
    assertThrows(IllegalArgumentException.class, () -> PolicyChange.none().clear("compression"));
    assertThrows(IllegalArgumentException.class,
        () -> new PolicyChange(Map.of("keepVersions", "two")));
    assertEquals(Map.of("trash", "1500"),
        PolicyChange.none().trash(Duration.ofMillis(1500)).settings());
  }

  @Test
  void compressionAndEncryptionTravelAsTheWireValues() {
    assertEquals(Map.of("compress", "2", "encrypt", "1"), PolicyChange.none()
        .compression(dev.granary.client.Compression.ZSTD).encrypt(true).settings());
    assertEquals(Map.of("compress", "0", "encrypt", "0"), PolicyChange.none()
        .compression(dev.granary.client.Compression.NONE).encrypt(false).settings());
    assertEquals(Map.of("compress", "", "encrypt", ""), PolicyChange.none()
        .clear(DirectoryPolicy.COMPRESS).clear(DirectoryPolicy.ENCRYPT).settings());
    assertEquals(dev.granary.wire.PolicyKeys.ALL, DirectoryPolicy.KEYS);
    DirectoryPolicy none = new DirectoryPolicy("/", List.of());
    assertTrue(none.compression().isEmpty() && none.encrypt().isEmpty());
  }

  @Test
  void replacedContentsAreKeptUpToTheLimitNewestFirst() throws Exception {
    client.mkdirs("/v", true);
    client.setPolicy("/v", PolicyChange.none().keepVersions(2));
    write("/v/f", "one", false);
    write("/v/f", "two", true);
    write("/v/f", "three", true);
    List<FileVersion> versions = client.versions("/v/f");
    assertEquals(List.of(3L, 2L, 1L), versions.stream().map(FileVersion::version).toList());
    assertEquals(List.of(5L, 3L, 3L), versions.stream().map(FileVersion::size).toList());
    assertEquals("one", read("/v/f", 1));
    assertEquals("three", read("/v/f", GranaryClient.CURRENT));
    write("/v/f", "four", true);
    assertEquals(List.of(4L, 3L, 2L), client.versions("/v/f").stream()
        .map(FileVersion::version).toList());
    assertThrows(NotFoundException.class, () -> client.open("/v/f", 1));

    FileStatus restored = client.restore("/v/f", 2);
    assertEquals(3, restored.size());
    assertEquals("two", read("/v/f", 0));
    assertEquals(5L, client.versions("/v/f").get(0).version());
    // rm takes the versions with the file.
    client.delete("/v/f", false);
    write("/v/f", "new", false);
    assertEquals(1, client.versions("/v/f").size());
  }

  @Test
  void withoutAPolicyAReplacementKeepsNothing() throws Exception {
    write("/f", "a", false);
    write("/f", "b", true);
    assertEquals(List.of(2L), client.versions("/f").stream().map(FileVersion::version).toList());
  }

  @Test
  void aSnapshotKeepsTheTreeAsItWasAndIsReadOnly() throws Exception {
    write("/d/a", "alpha", false);
    write("/d/sub/b", "beta", false);
    SnapshotInfo s = client.createSnapshot("/d", "s1");
    assertEquals("/d/.snapshot/s1", s.path());
    assertThrows(AlreadyExistsException.class, () -> client.createSnapshot("/d", "s1"));
    write("/d/a", "changed", true);
    client.delete("/d/sub", true);
    client.rename("/d/a", "/d/moved");

    assertEquals("alpha", read("/d/.snapshot/s1/a", 0));
    assertEquals("beta", read("/d/.snapshot/s1/sub/b", 0));
    assertEquals(List.of("a", "sub"), client.list("/d/.snapshot/s1").stream()
        .map(FileStatus::name).toList());
    assertEquals(List.of("s1"), client.list("/d/.snapshot").stream().map(FileStatus::name)
        .toList());
    GranaryIOException denied = assertThrows(GranaryIOException.class,
        () -> write("/d/.snapshot/s1/x", "no", false));
    assertTrue(denied.granaryCause() instanceof DeniedException);
    assertThrows(DeniedException.class, () -> client.delete("/d/.snapshot/s1/a", false));
    assertThrows(DeniedException.class, () -> client.mkdirs("/d/.snapshot/s2", true));
    assertThrows(InvalidArgumentException.class,
        () -> client.delete("/d", true), "a directory with snapshots is not deleted");

    assertEquals(List.of(s), client.snapshots("/d"));
    assertEquals(s, client.deleteSnapshot("/d", "s1"));
    assertThrows(NotFoundException.class, () -> client.stat("/d/.snapshot/s1/a"));
    assertThrows(NotFoundException.class, () -> client.deleteSnapshot("/d", "s1"));
    assertTrue(client.snapshots("/d").isEmpty());
  }

  @Test
  void underATrashPolicyRemoveGoesToTheTrashUntilItExpires() throws Exception {
    write("/t/keep/a", "alpha", false);
    write("/t/keep/b", "bb", false);
    client.setPolicy("/t", PolicyChange.none().trash(Duration.ofHours(1)));
    DeleteResult r = client.delete("/t/keep", true);
    assertTrue(r.trashed());
    assertEquals(2, r.files());
    assertThrows(NotFoundException.class, () -> client.stat("/t/keep/a"));
    List<TrashEntry> trash = client.trash();
    assertEquals(1, trash.size());
    TrashEntry e = trash.get(0);
    assertEquals("/t/keep", e.path());
    assertTrue(e.directory());
    assertEquals(7, e.size());
    assertEquals(Duration.ofHours(1).toMillis(), e.expiresMillis() - e.deletedMillis());

    assertEquals(e, client.restoreFromTrash("/t/keep"));
    assertEquals("alpha", read("/t/keep/a", 0));
    assertTrue(client.trash().isEmpty());
    assertThrows(NotFoundException.class, () -> client.restoreFromTrash("/t/other"));

    assertFalse(client.delete("/t/keep/a", false, true).trashed(), "skip the trash");
    client.delete("/t/keep", true);
    client.advance(Duration.ofMinutes(61));
    assertTrue(client.trash().isEmpty(), "expired");
    assertThrows(NotFoundException.class, () -> client.restoreFromTrash("/t/keep"));
  }

  @Test
  void aRestoreOntoAnExistingPathIsRefusedAndEmptyFreesAll() throws Exception {
    client.mkdirs("/t", true);
    client.setPolicy("/t", PolicyChange.none().trash(Duration.ofDays(1)));
    write("/t/f", "x", false);
    client.delete("/t/f", false);
    write("/t/f", "y", false);
    assertThrows(AlreadyExistsException.class, () -> client.restoreFromTrash("/t/f"));
    client.delete("/t/f", false);
    assertEquals(2, client.emptyTrash().size());
    assertTrue(client.trash().isEmpty());
    // A zero trash below a trash policy: removed outright.
    client.mkdirs("/t/scratch", true);
    client.setPolicy("/t/scratch", PolicyChange.none().trash(Duration.ZERO));
    write("/t/scratch/f", "z", false);
    assertFalse(client.delete("/t/scratch/f", false).trashed());
  }
}
