package dev.granary.it.chaos;

import dev.granary.it.chaos.Op.Kind;
import dev.granary.it.chaos.Op.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a chaos history against a model of what each path may hold.
 *
 * <p>Each path has a set of possible values: versions, or {@link #ABSENT}. Operations are applied
 * in each client's order (a path is only ever touched by one client, one operation at a time). An
 * acknowledged operation sets the set (a put makes it exactly its version, rm makes it absent, mv
 * moves the source's set to the target); a definite refusal narrows it (an "already exists" means
 * the path was not absent); an operation with an unknown outcome widens it (the put may or may not
 * have happened, so old and new values are both possible; the client never touches those paths
 * again, so the widening also covers the request being applied late). A read must return a value in
 * the set, with exactly that version's bytes, and narrows the set to what it saw.
 *
 * <p>This over-approximates the possible states (sets per path rather than joint states), so it
 * never reports an anomaly that did not happen; what it does report is one of: a read or a final
 * state showing a value that was never written, was overwritten or removed by an acknowledged
 * operation, or is torn or corrupt; an acknowledged value missing; a refusal or success that no
 * possible state explains.
 */
final class HistoryChecker {
  static final long ABSENT = -1;

  /** One violation, on one path. */
  record Anomaly(String path, Op op, String what) {}

  private final Content content;
  private final Map<String, Set<Long>> possible = new HashMap<>();
  /** The path each version was written to (a version is written once, by one put). */
  private final Map<Long, String> writtenTo = new HashMap<>();
  private final Set<Long> acknowledged = new HashSet<>();
  private final Set<Long> verified = new HashSet<>();
  private final List<Anomaly> anomalies = new ArrayList<>();

  HistoryChecker(Content content) {
    this.content = content;
  }

  /** Applies one operation of the run. */
  void apply(Op op) {
    switch (op.kind()) {
      case PUT, PUT_FORCE -> put(op);
      case GET -> get(op, false);
      case RM -> rm(op);
      case MV -> mv(op);
    }
  }

  /** Applies a read made after the cluster healed: it must succeed (found or not found). */
  void applyFinal(Op read) {
    if (read.kind() != Kind.GET) {
      throw new IllegalArgumentException("final operations are reads: " + read);
    }
    get(read, true);
  }

  private Set<Long> of(String path) {
    return possible.computeIfAbsent(path, p -> new TreeSet<>(Set.of(ABSENT)));
  }

  private void put(Op op) {
    Set<Long> s = of(op.path());
    long v = op.version();
    writtenTo.put(v, op.path());
    boolean force = op.kind() == Kind.PUT_FORCE;
    switch (op.outcome()) {
      case OK -> {
        acknowledged.add(v);
        if (!force && !s.contains(ABSENT)) {
          anomaly(op, "a put without overwrite succeeded where a file must have existed "
              + describe(s));
        }
        set(op.path(), v);
      }
      case EXISTS -> {
        if (force) {
          anomaly(op, "a put with overwrite was refused as 'already exists'");
        } else if (s.equals(Set.of(ABSENT))) {
          anomaly(op, "refused as 'already exists' where no file can exist");
        }
        s.remove(ABSENT);
        if (s.isEmpty()) {
          s.add(ABSENT); // already reported; keep the model usable
        }
      }
      case NOT_FOUND, UNKNOWN -> {
        // A put (without overwrite) can only have happened if the path may have been free.
        if (force || s.contains(ABSENT)) {
          s.add(v);
        }
      }
    }
  }

  private void get(Op op, boolean isFinal) {
    Set<Long> s = of(op.path());
    switch (op.outcome()) {
      case OK -> {
        long v = op.version();
        if (v == Content.UNKNOWN) {
          anomaly(op, "read returned bytes that no put ever wrote (corrupt, torn or foreign);"
              + " possible " + describe(s));
        } else if (v == Content.EMPTY) {
          Set<Long> empties = new TreeSet<>();
          for (long x : s) {
            if (x != ABSENT && content.size(x) == 0) {
              empties.add(x);
            }
          }
          if (empties.isEmpty()) {
            anomaly(op, "read returned an empty file; possible " + describe(s));
          } else {
            s.retainAll(empties);
            empties.stream().filter(acknowledged::contains).forEach(verified::add);
          }
        } else if (!s.contains(v)) {
          String where = writtenTo.get(v);
          anomaly(op, "read returned v" + v + (where == null ? ", which was never written"
              : where.equals(op.path()) ? ", written here but since replaced or removed"
              : ", which was written to " + where) + "; possible " + describe(s));
        } else {
          set(op.path(), v);
          if (acknowledged.contains(v)) {
            verified.add(v);
          }
        }
      }
      case NOT_FOUND -> {
        if (!s.contains(ABSENT)) {
          anomaly(op, "not found, but an acknowledged operation left " + describe(s) + " here");
        }
        set(op.path(), ABSENT);
      }
      case EXISTS, UNKNOWN -> {
        if (isFinal) {
          anomaly(op, "unreadable after the cluster healed; possible " + describe(s));
        }
      }
    }
  }

  private void rm(Op op) {
    Set<Long> s = of(op.path());
    switch (op.outcome()) {
      case OK -> {
        if (s.equals(Set.of(ABSENT))) {
          anomaly(op, "rm succeeded where no file can exist");
        }
        set(op.path(), ABSENT);
      }
      case NOT_FOUND -> {
        if (!s.contains(ABSENT)) {
          anomaly(op, "rm found nothing, but an acknowledged operation left " + describe(s)
              + " here");
        }
        set(op.path(), ABSENT);
      }
      case EXISTS, UNKNOWN -> s.add(ABSENT);
    }
  }

  private void mv(Op op) {
    Set<Long> a = of(op.path());
    Set<Long> b = of(op.target());
    switch (op.outcome()) {
      case OK -> {
        if (a.equals(Set.of(ABSENT))) {
          anomaly(op, "mv succeeded from a path where no file can exist");
        }
        if (!b.contains(ABSENT)) {
          anomaly(op, "mv succeeded onto " + op.target() + ", which must have held "
              + describe(b));
        }
        Set<Long> moved = new TreeSet<>(a);
        moved.remove(ABSENT);
        if (moved.isEmpty()) {
          moved.add(ABSENT); // already reported
        }
        possible.put(op.target(), moved);
        set(op.path(), ABSENT);
      }
      case NOT_FOUND -> {
        if (!a.contains(ABSENT)) {
          anomaly(op, "mv found no source, but an acknowledged operation left " + describe(a)
              + " there");
        }
        set(op.path(), ABSENT);
      }
      case EXISTS -> {
        if (b.equals(Set.of(ABSENT))) {
          anomaly(op, "mv refused as 'already exists' where no file can exist at the target");
        }
        b.remove(ABSENT);
        if (b.isEmpty()) {
          b.add(ABSENT);
        }
      }
      case UNKNOWN -> {
        Set<Long> moved = new TreeSet<>(a);
        moved.remove(ABSENT);
        b.addAll(moved);
        a.add(ABSENT);
      }
    }
  }

  private void set(String path, long value) {
    possible.put(path, new TreeSet<>(Set.of(value)));
  }

  private void anomaly(Op op, String what) {
    anomalies.add(new Anomaly(op.path(), op, what));
  }

  /** Every path any operation touched. */
  Set<String> paths() {
    return new TreeSet<>(possible.keySet());
  }

  /** The values {@code path} may hold now. */
  Set<Long> possible(String path) {
    return Set.copyOf(of(path));
  }

  /** Whether {@code path} must hold some file (its possible values exclude absence). */
  boolean mustExist(String path) {
    return !of(path).contains(ABSENT);
  }

  List<Anomaly> anomalies() {
    return List.copyOf(anomalies);
  }

  /** Records an anomaly found outside the history (e.g. by looking at the final namespace). */
  void report(String path, String what) {
    anomalies.add(new Anomaly(path, null, what));
  }

  /** Puts the cluster acknowledged. */
  int acknowledgedWrites() {
    return acknowledged.size();
  }

  /** Acknowledged puts a read later returned with exactly their bytes. */
  int verifiedWrites() {
    return verified.size();
  }

  static String describe(Set<Long> s) {
    List<String> out = new ArrayList<>();
    for (long v : s) {
      out.add(v == ABSENT ? "absent" : "v" + v);
    }
    return out.toString();
  }
}
