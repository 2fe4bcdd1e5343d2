package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generates random namespace operations and applies them as the metadata service would. */
final class JournalHarness {
  private static final String[] DIRS = {"/", "/a", "/a/b", "/c", "/c/d"};
  private static final String[] NAMES = {"f", "g", "h", "b", "é"};
  private static final String[] USERS = {"admin", "alice", "bob"};

  private final Random random;
  private long opId;
  private long nextHandle = 1;

  JournalHarness(long seed) {
    this.random = new Random(seed);
  }

  private String path() {
    String d = DIRS[random.nextInt(DIRS.length)];
    String n = NAMES[random.nextInt(NAMES.length)];
    return d.equals("/") ? "/" + n : d + "/" + n;
  }

  private String dir() {
    return DIRS[random.nextInt(DIRS.length)];
  }

  /** A random mutation at log time {@code time}. */
  Op next(long time) {
    long id = ++opId;
    switch (random.nextInt(8)) {
      case 0:
        return new Op.Mkdir("c", id, time, random.nextBoolean() ? dir() : path(),
            random.nextBoolean(), user(), user());
      case 1:
      case 2:
        int n = random.nextInt(3);
        List<ChunkRecord> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long handle = nextHandle++;
          long length = random.nextInt(1 << 20);
          chunks.add(new ChunkRecord(handle, 1, length, random.nextLong()));
        }
        return new Op.Commit("c", id, time, path(), random.nextInt(3) == 0, 1 + random.nextInt(3),
            1 << 20, chunks, user(), user());
      case 3:
        return new Op.Delete("c", id, time, random.nextBoolean() ? dir() : path(),
            random.nextBoolean());
      case 4:
        return new Op.Rename("c", id, time, random.nextBoolean() ? dir() : path(),
            random.nextBoolean() ? dir() : path());
      case 5:
        // chmod and chown of the root (which always exists), of the whole tree or not.
        return new Op.SetPermission(time, "/", random.nextInt(0777 + 1), random.nextBoolean());
      case 6:
        return new Op.SetOwner(time, "/", user(), random.nextBoolean() ? user() : "",
            random.nextBoolean());
      default:
        return new Op.Mkdir("c2", id, time, path(), true);
    }
  }

  private String user() {
    return USERS[random.nextInt(USERS.length)];
  }

  /** Applies {@code op} to the store's image and waits until its record is durable. */
  static void append(MetadataStore store, Op op) {
    OpApplier.apply(store.image(), op);
    store.journal().append(op).join();
  }

  /** Waits (up to a minute) for a checkpoint of a sequence number after {@code seq}. */
  static void awaitCheckpointAfter(MetadataStore store, long seq) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (store.checkpointer().completed() <= seq) {
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("no checkpoint after seq " + seq);
      }
      store.checkpointer().awaitIdle(1000);
    }
  }

  /** Applies {@code op} like the service: a refused op becomes a failure record. */
  static Op applyLive(MetadataImage image, Op op) {
    try {
      OpApplier.apply(image, op);
      return op;
    } catch (MetadataException e) {
      Op.Mutation m = (Op.Mutation) op;
      Op f = new Op.Failure(m.clientId(), m.opId(), op.time(), "x", e.status(), e.getMessage());
      OpApplier.apply(image, f);
      return f;
    }
  }
}
