package dev.granary.it.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.it.chaos.Op.Kind;
import dev.granary.it.chaos.Op.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on hand-written histories: it flags what is wrong and only that. */
class HistoryCheckerTest {
  final Content content = new Content(7, 1024 * 1024);
  long ids;

  Op op(Kind kind, String path, String target, long version, Outcome outcome) {
    ids++;
    return new Op(ids, 0, kind, path, target, version, ids, ids, outcome, null);
  }

  Op put(String p, long v, Outcome o) {
    return op(Kind.PUT, p, null, v, o);
  }

  Op force(String p, long v, Outcome o) {
    return op(Kind.PUT_FORCE, p, null, v, o);
  }

  Op get(String p, long seen) {
    return op(Kind.GET, p, null, seen, Outcome.OK);
  }

  Op get(String p, Outcome o) {
    return op(Kind.GET, p, null, Content.UNKNOWN, o);
  }

  /** A version whose content is not empty (so a read of it names it). */
  long nonEmpty(long from) {
    long v = from;
    while (content.size(v) == 0) {
      v++;
    }
    return v;
  }

  List<HistoryChecker.Anomaly> check(Op... ops) {
    HistoryChecker c = new HistoryChecker(content);
    for (Op o : ops) {
      c.apply(o);
    }
    return c.anomalies();
  }

  @Test
  void contentNamesItsVersionAndRejectsAnyChange() {
    long v = nonEmpty(1);
    byte[] b = content.bytes(v);
    assertEquals(v, content.versionOf(b));
    b[b.length - 1] ^= 1;
    assertEquals(Content.UNKNOWN, content.versionOf(b));
    assertEquals(Content.EMPTY, content.versionOf(new byte[0]));
    assertEquals(Content.UNKNOWN, new Content(8, 1024 * 1024).versionOf(content.bytes(v)));
  }

  @Test
  void aCleanSequentialHistoryHasNoAnomaly() {
    long a = nonEmpty(1);
    long b = nonEmpty(a + 1);
    assertEquals(List.of(), check(put("/x", a, Outcome.OK), get("/x", a),
        put("/x", 99, Outcome.EXISTS), force("/x", b, Outcome.OK), get("/x", b),
        op(Kind.MV, "/x", "/y", -1, Outcome.OK), get("/x", Outcome.NOT_FOUND), get("/y", b),
        op(Kind.RM, "/y", null, -1, Outcome.OK), get("/y", Outcome.NOT_FOUND),
        op(Kind.RM, "/y", null, -1, Outcome.NOT_FOUND)));
  }

  @Test
  void staleLostCorruptAndForeignReadsAreAnomalies() {
    long a = nonEmpty(1);
    long b = nonEmpty(a + 1);
    assertEquals(1, check(put("/x", a, Outcome.OK), force("/x", b, Outcome.OK), get("/x", a))
        .size(), "an overwritten version read back");
    assertEquals(1, check(put("/x", a, Outcome.OK), get("/x", Outcome.NOT_FOUND)).size(),
        "an acknowledged put lost");
    assertEquals(1, check(put("/x", a, Outcome.OK), get("/x", Content.UNKNOWN)).size(),
        "bytes nobody wrote");
    assertEquals(1, check(put("/x", a, Outcome.OK), put("/y", b, Outcome.OK), get("/x", b))
        .size(), "another path's bytes");
    assertEquals(1, check(put("/x", a, Outcome.OK), op(Kind.RM, "/x", null, -1, Outcome.OK),
        get("/x", a)).size(), "a removed file read back");
    assertEquals(1, check(put("/x", a, Outcome.OK), put("/x", b, Outcome.OK)).size(),
        "a put without overwrite succeeded over a file");
    assertEquals(1, check(put("/x", a, Outcome.OK), put("/y", b, Outcome.OK),
        op(Kind.MV, "/x", "/y", -1, Outcome.OK)).size(), "mv onto an existing file");
  }

  @Test
  void unknownOutcomesAllowBothPossibilitiesButNothingElse() {
    long a = nonEmpty(1);
    long b = nonEmpty(a + 1);
    long c = nonEmpty(b + 1);
    assertEquals(List.of(), check(put("/x", a, Outcome.OK), force("/x", b, Outcome.UNKNOWN),
        get("/x", a)));
    assertEquals(List.of(), check(put("/x", a, Outcome.OK), force("/x", b, Outcome.UNKNOWN),
        get("/x", b)));
    assertEquals(List.of(), check(put("/x", a, Outcome.OK),
        op(Kind.RM, "/x", null, -1, Outcome.UNKNOWN), get("/x", Outcome.NOT_FOUND)));
    assertEquals(List.of(), check(put("/x", a, Outcome.OK),
        op(Kind.MV, "/x", "/y", -1, Outcome.UNKNOWN), get("/y", a), get("/x", a)));
    assertTrue(check(put("/x", a, Outcome.OK), force("/x", b, Outcome.UNKNOWN),
        get("/x", c)).size() == 1, "a version never written to /x");
    // A put without overwrite onto an acknowledged file cannot have happened, even if unknown.
    assertEquals(1, check(put("/x", a, Outcome.OK), put("/x", b, Outcome.UNKNOWN),
        get("/x", b)).size());
  }

  @Test
  void finalReadsMustSucceed() {
    long a = nonEmpty(1);
    HistoryChecker c = new HistoryChecker(content);
    c.apply(put("/x", a, Outcome.OK));
    c.applyFinal(get("/x", Outcome.UNKNOWN));
    assertEquals(1, c.anomalies().size());
  }
}
