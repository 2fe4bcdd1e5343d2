package dev.granary.master.replication;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the master does with a reader's word that a replica is bad: nothing is removed on it. The
 * holder is asked to verify the replica (a VERIFY command); only the holder's own finding (it
 * quarantines the replica and reports it) takes the replica out. Reports are rate limited per
 * reporter (a token bucket) and verifications in flight are bounded, so a client with faulty
 * memory, a bug or bad intent can at most make chunkservers re-read some replicas.
 *
 * <p>Guarded by the master's metadata lock.
 */
final class BadReplicaReports {
  /** Reports a reporter may send at once. */
  static final int BURST = 32;
  /** Reports per second a reporter earns back. */
  static final double PER_SECOND = 4;
  /** Verifications in flight at most, cluster-wide. */
  static final int MAX_IN_FLIGHT = 1024;
  /** Reporters remembered at most (the least recent forgotten). */
  static final int MAX_REPORTERS = 4096;

  private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
      return size() > MAX_REPORTERS;
    }
  };
  private final Set<Long> inFlight = new HashSet<>();
  private long refused;

  /** Outcome of a report. */
  enum Verdict {
    /** Ask the holder to verify. */
    VERIFY,
    /** The same replica is already being verified. */
    ALREADY_VERIFYING,
    /** The reporter sent too many reports, or too many verifications are in flight. */
    REFUSED
  }

  /** Admits (or refuses) one report from {@code reporter} about a replica. */
  Verdict admit(String reporter, long handle, int ordinal, long nowMillis) {
    long key = key(handle, ordinal);
    if (inFlight.contains(key)) {
      return Verdict.ALREADY_VERIFYING;
    }
    double[] b = buckets.computeIfAbsent(reporter, k -> new double[] {BURST, nowMillis});
    b[0] = Math.min(BURST, b[0] + (nowMillis - b[1]) / 1000.0 * PER_SECOND);
    b[1] = nowMillis;
    if (b[0] < 1 || inFlight.size() >= MAX_IN_FLIGHT) {
      refused++;
      return Verdict.REFUSED;
    }
    b[0] -= 1;
    inFlight.add(key);
    return Verdict.VERIFY;
  }

  /** The holder answered the VERIFY (or can no longer answer it). */
  void done(long handle, int ordinal) {
    inFlight.remove(key(handle, ordinal));
  }

  /** A node went DEAD: its verifications will never be answered. */
  void forgetNode(int ordinal) {
    inFlight.removeIf(k -> (int) (k & 0xFFFF) == ordinal);
  }

  int inFlight() {
    return inFlight.size();
  }

  long refused() {
    return refused;
  }

  private static long key(long handle, int ordinal) {
    return (handle << 16) | (ordinal & 0xFFFF);
  }
}
