package dev.granary.master.voting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.voting.MajorityVote.Content;
import dev.granary.master.voting.MajorityVote.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

class MajorityVoteTest {
  private static final Content A = new Content(10, 1);
  private static final Content B = new Content(10, 2);
  private static final Content C = new Content(9, 1);

  @Test
  void strictMajorityWinsEvenAgainstTheCommittedDigest() {
    Decision d = MajorityVote.decide(List.of(B, A, B), A);
    assertEquals(B, d.winner());
    assertTrue(d.strictMajority());
    assertEquals(List.of(1), d.losers());
  }

  @Test
  void majorityMatchingCommit() {
    Decision d = MajorityVote.decide(List.of(A, B, A, A, C), A);
    assertEquals(A, d.winner());
    assertTrue(d.strictMajority());
    assertEquals(List.of(1, 4), d.losers());
  }

  @Test
  void noMajorityCommittedDigestDecides() {
    Decision d = MajorityVote.decide(List.of(A, B, C), B);
    assertEquals(B, d.winner());
    assertFalse(d.strictMajority());
    assertEquals(List.of(0, 2), d.losers());
  }

  @Test
  void tieIsNotAMajority() {
    Decision d = MajorityVote.decide(List.of(A, B, B, A), A);
    assertEquals(A, d.winner());
    assertFalse(d.strictMajority());
    assertEquals(List.of(1, 2), d.losers());
    Decision none = MajorityVote.decide(List.of(A, B), C);
    assertNull(none.winner());
    assertFalse(none.decided());
  }

  @Test
  void lengthCountsAsWellAsDigest() {
    Decision d = MajorityVote.decide(List.of(A, C, C), A);
    assertEquals(C, d.winner());
  }

  @Test
  void singleReplica() {
    assertEquals(B, MajorityVote.decide(List.of(B), A).winner());
    assertEquals(List.of(), MajorityVote.decide(List.of(A), A).losers());
  }
}
