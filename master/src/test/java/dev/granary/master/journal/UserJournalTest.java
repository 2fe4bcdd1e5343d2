package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.security.Tokens;
import dev.granary.master.security.UserRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users survive the operation log and checkpoints: add, revoke and re-add are replayed. */
class UserJournalTest {
  private static final String T1 = Tokens.generate();
  private static final String T2 = Tokens.generate();
  private final ObjectMapper mapper = new ObjectMapper();
  private final OpCodec codec = new OpCodec(mapper);
  @TempDir
  Path tmp;

  @Test
  void userRecordsAreReadableJsonWithoutTheToken() {
    Op add = new Op.UserAdd(5, "bob", "staff", true, Tokens.hash(T1));
    String line = new String(codec.encode(9, add), StandardCharsets.UTF_8);
    assertTrue(line.startsWith("{\"seq\":9,\"type\":\"useradd\",\"time\":5,\"name\":\"bob\","
        + "\"group\":\"staff\",\"superuser\":true,\"tokenHash\":\""
        + Tokens.toHex(Tokens.hash(T1)) + "\"}"), line);
    assertFalse(line.contains(T1));
    assertEquals(add, decode(line).op());
    Op revoke = new Op.UserRevoke(6, "bob");
    assertEquals(revoke, decode(new String(codec.encode(10, revoke), StandardCharsets.UTF_8))
        .op());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode(
        "{\"seq\":1,\"type\":\"useradd\",\"time\":1,\"name\":\"bob\",\"group\":\"bob\","
        + "\"superuser\":false,\"tokenHash\":\"abc\"}\n"));
    assertTrue(e.getMessage().contains("token hash"), e.getMessage());
  }

  private OpCodec.Record decode(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return codec.decode(b, 0, b.length - 1);
  }

  @Test
  void replayOfTheLogAndOfACheckpointRestoresAddRevokeAndReAdd() throws Exception {
    try (MetadataStore store = MetadataStore.open(tmp, 3, "test")) {
      MetadataImage image = store.image();
      append(store, new Op.UserAdd(1, "admin", "admin", true, Tokens.hash(T1)));
      append(store, new Op.UserAdd(2, "bob", "bob", false, Tokens.hash(T1)));
      append(store, new Op.UserAdd(3, "carol", "staff", false, Tokens.hash(T1)));
      // Three records close a segment: the checkpoint holds these users.
      awaitCheckpointAfter(store, 0);
      append(store, new Op.UserRevoke(4, "bob"));
      append(store, new Op.UserRevoke(5, "carol"));
      append(store, new Op.UserAdd(6, "carol", "ops", true, Tokens.hash(T2)));
      assertUsers(image.users());
    }
    assertUsers(new Recovery(codec, mapper.getFactory(), "test").recover(tmp).image().users());
  }

  @Test
  void checkpointRoundTripsUsersAndOldCheckpointsHaveNone() throws Exception {
    MetadataImage image = new MetadataImage();
    OpApplier.apply(image, new Op.UserAdd(1, "admin", "admin", true, Tokens.hash(T1)));
    OpApplier.apply(image, new Op.UserAdd(2, "bob", "bob", false, Tokens.hash(T1)));
    OpApplier.apply(image, new Op.UserAdd(3, "carol", "staff", false, Tokens.hash(T1)));
    OpApplier.apply(image, new Op.UserRevoke(4, "bob"));
    OpApplier.apply(image, new Op.UserRevoke(5, "carol"));
    OpApplier.apply(image, new Op.UserAdd(6, "carol", "ops", true, Tokens.hash(T2)));
    CheckpointFormat format = new CheckpointFormat(mapper.getFactory());
    Path file = JournalFiles.checkpoint(tmp, 0);
    try (OutputStream out = Files.newOutputStream(file)) {
      format.write(image, out);
    }
    String text = Files.readString(file);
    assertFalse(text.contains(T1) || text.contains(T2), "a token in the checkpoint");
    assertUsers(format.read(file).users());

    ByteArrayOutputStream old = new ByteArrayOutputStream();
    format.write(new MetadataImage(), old);
    Path oldFile = tmp.resolve("old");
    Files.write(oldFile, old.toByteArray());
    assertTrue(format.read(oldFile).users().all().isEmpty());
  }

  private static void assertUsers(UserRegistry users) {
    assertNotNull(users.authenticate("admin", T1));
    assertNull(users.authenticate("bob", T1), "revoked bob still authenticates");
    assertTrue(users.get("bob").revoked());
    assertNull(users.authenticate("carol", T1), "re-added carol kept her old token");
    UserRegistry.User carol = users.authenticate("carol", T2);
    assertNotNull(carol);
    assertEquals("ops", carol.group());
    assertTrue(carol.superuser());
    assertEquals(3, users.all().size());
  }

  private static void append(MetadataStore store, Op op) {
    OpApplier.apply(store.image(), op);
    store.journal().append(op).join();
  }

  private static void awaitCheckpointAfter(MetadataStore store, long seq) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (store.checkpointer().completed() <= seq) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint after seq " + seq);
      store.checkpointer().awaitIdle(1000);
    }
  }
}
