package dev.granary.it.chaos;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import dev.granary.it.chaos.Op.Kind;
import dev.granary.it.chaos.Op.Outcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One chaos client: a thread with its own {@link GranaryClient} doing put, put with overwrite,
 * get, mv and rm on its own key space, one operation at a time, recording each in the
 * {@link History}.
 *
 * <p>The key space is {@code slots} slots under {@code /chaos/cN}; a slot's current path is
 * {@code sS.gG}. Keeping clients' key spaces disjoint and each client sequential makes each path's
 * history sequential, so the checker can model it exactly. The one thing that is not sequential is
 * an operation whose outcome is unknown: the client gave up on it, yet its request may still be
 * applied later. So after such an operation the client retires the paths it touched (the slot moves
 * to a new generation) and never touches them again: whatever that operation does, whenever, the
 * checker has already allowed for it.
 */
final class ClientWorker implements Runnable {
  private final int id;
  private final GranaryClient client;
  private final History history;
  private final Content content;
  private final AtomicLong versions;
  private final BooleanSupplier keepGoing;
  private final SplittableRandom random;
  private final long chunkSize;
  private final int[] generation;
  /** What this client believes of each slot; only to choose useful operations, never checked. */
  private final boolean[] present;

  ClientWorker(int id, GranaryClient client, History history, Content content,
      AtomicLong versions, int slots, long chunkSize, long seed, BooleanSupplier keepGoing) {
    this.id = id;
    this.client = client;
    this.history = history;
    this.content = content;
    this.versions = versions;
    this.keepGoing = keepGoing;
    this.random = new SplittableRandom(seed);
    this.chunkSize = chunkSize;
    this.generation = new int[slots];
    this.present = new boolean[slots];
  }

  static String dir(int client) {
    return "/chaos/c" + client;
  }

  String path(int slot) {
    return dir(id) + "/s" + slot + ".g" + generation[slot];
  }

  @Override
  public void run() {
    while (keepGoing.getAsBoolean()) {
      step();
    }
  }

  private void step() {
    int slot = random.nextInt(generation.length);
    int roll = random.nextInt(100);
    if (present[slot]) {
      if (roll < 35) {
        get(slot);
      } else if (roll < 60) {
        put(slot, true);
      } else if (roll < 75) {
        mv(slot, otherSlot(slot));
      } else if (roll < 92) {
        rm(slot);
      } else {
        put(slot, false); // expected to be refused: the file exists
      }
    } else {
      if (roll < 60) {
        put(slot, false);
      } else if (roll < 75) {
        put(slot, true);
      } else if (roll < 90) {
        get(slot); // expected: not found
      } else if (roll < 95) {
        rm(slot);
      } else {
        mv(slot, otherSlot(slot));
      }
    }
  }

  private int otherSlot(int slot) {
    int other = random.nextInt(generation.length - 1);
    return other >= slot ? other + 1 : other;
  }

  private void put(int slot, boolean force) {
    long v = versions.incrementAndGet();
    String p = path(slot);
    long t0 = history.now();
    Outcome o;
    String detail = null;
    try (OutputStream out = client.create(p, new WriteOptions(3, force, chunkSize))) {
      out.write(content.bytes(v));
      o = Outcome.OK;
    } catch (Exception e) {
      o = classify(e);
      detail = describe(e);
    }
    record(force ? Kind.PUT_FORCE : Kind.PUT, p, null, v, t0, o, detail);
    if (o == Outcome.OK) {
      rememberHandles(p, v);
    }
    if (o == Outcome.OK || o == Outcome.EXISTS) {
      present[slot] = true;
    } else if (o == Outcome.UNKNOWN) {
      retire(slot);
    }
  }

  private void get(int slot) {
    String p = path(slot);
    long t0 = history.now();
    Outcome o;
    long seen = Content.UNKNOWN;
    String detail = null;
    try (InputStream in = client.open(p)) {
      seen = content.versionOf(in.readAllBytes());
      o = Outcome.OK;
    } catch (Exception e) {
      o = classify(e);
      detail = describe(e);
    }
    record(Kind.GET, p, null, seen, t0, o, detail);
    if (o == Outcome.OK) {
      present[slot] = true;
    } else if (o == Outcome.NOT_FOUND) {
      present[slot] = false;
    }
  }

  private void rm(int slot) {
    String p = path(slot);
    long t0 = history.now();
    Outcome o;
    String detail = null;
    try {
      client.delete(p, false);
      o = Outcome.OK;
    } catch (Exception e) {
      o = classify(e);
      detail = describe(e);
    }
    record(Kind.RM, p, null, -1, t0, o, detail);
    present[slot] = false;
    if (o == Outcome.UNKNOWN) {
      retire(slot);
    }
  }

  private void mv(int from, int to) {
    String a = path(from);
    String b = path(to);
    long t0 = history.now();
    Outcome o;
    String detail = null;
    try {
      client.rename(a, b);
      o = Outcome.OK;
    } catch (Exception e) {
      o = classify(e);
      detail = describe(e);
    }
    record(Kind.MV, a, b, -1, t0, o, detail);
    switch (o) {
      case OK -> {
        present[to] = true;
        present[from] = false;
      }
      case NOT_FOUND -> present[from] = false;
      case EXISTS -> present[to] = true;
      case UNKNOWN -> {
        retire(from);
        retire(to);
      }
    }
  }

  /**
   * Notes the chunk handles of the version just written, so the end of the run can check that
   * they leave the disks once the version is replaced or removed. Nobody else touches the path,
   * so what the stat sees is that version; if the stat fails (a fault), the version goes unnoted.
   */
  private void rememberHandles(String p, long v) {
    try {
      List<String> handles = new ArrayList<>();
      for (ChunkInfo ch : client.statWithChunks(p).chunks()) {
        handles.add(ch.handle());
      }
      history.handles(v, handles);
    } catch (GranaryException e) {
      // Unnoted: only this version's garbage check is skipped.
    }
  }

  private void retire(int slot) {
    generation[slot]++;
    present[slot] = false;
  }

  private void record(Kind kind, String path, String target, long version, long t0, Outcome o,
      String detail) {
    history.add(new Op(history.nextId(), id, kind, path, target, version, t0, history.now(), o,
        detail));
  }

  /** Only the library's typed refusals are definite; anything else may or may not have happened. */
  static Outcome classify(Throwable e) {
    Throwable t = e instanceof GranaryIOException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof AlreadyExistsException) {
      return Outcome.EXISTS;
    }
    if (t instanceof NotFoundException) {
      return Outcome.NOT_FOUND;
    }
    return Outcome.UNKNOWN;
  }

  private static String describe(Throwable e) {
    Throwable t = e instanceof GranaryIOException && e.getCause() != null ? e.getCause() : e;
    String name = t instanceof GranaryException ? t.getClass().getSimpleName()
        : t.getClass().getName();
    return name + ": " + t.getMessage();
  }
}
