package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The compression and encryption directory policies say for new files, per directory, as the
 * master's last WRITE_CHECK answer said, for {@link #TTL_NANOS}: a stream writing many small files
 * into one directory asks once, not per file. A policy changed meanwhile reaches this client within
 * that time; the master itself refuses an unencrypted commit where the policy encrypts, so the lag
 * can cost a compression, never an encryption.
 */
final class PolicyCache {
  static final long TTL_NANOS = 5_000_000_000L;
  static final int MAX_DIRECTORIES = 1024;

  private record Entry(WriteCheckResponse policy, long at) {}

  private final ClientContext ctx;
  private final LongSupplier clock;
  private final Map<String, Entry> byDir = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_DIRECTORIES;
    }
  };

  PolicyCache(ClientContext ctx, LongSupplier clock) {
    this.ctx = ctx;
    this.clock = clock;
  }

  /** Remembers the policy part of {@code r}, the answer for file {@code path}. */
  synchronized void put(String path, WriteCheckResponse r) {
    byDir.put(dirOf(path), new Entry(new WriteCheckResponse(null, r.compression(), r.encrypt()),
        clock.getAsLong()));
  }

  /** The policy for a new file at {@code path}, asked of the master unless known. */
  WriteCheckResponse get(String path) throws GranaryException {
    String dir = dirOf(path);
    synchronized (this) {
      Entry e = byDir.get(dir);
      if (e != null && clock.getAsLong() - e.at() < TTL_NANOS) {
        return e.policy();
      }
    }
    WriteCheckResponse r = ctx.master().call(new WriteCheckRequest(path),
        WriteCheckResponse.class, path);
    put(path, r);
    return r;
  }

  private static String dirOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}
