package dev.granary.master.voting;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which content of a chunk is right when its replicas disagree.
 *
 * <p>Design note. The GFS paper (§5.2) has each chunkserver verify its own checksums; replicas are
 * not byte-wise identical there because of record appends. Granary chunks are written once, so the
 * replicas of a chunk must agree exactly, and when their reported (length, digest) differ the master
 * votes: Boyer–Moore majority vote (one pass to find the only possible majority candidate, one pass
 * to count it; linear time, constant space). A strict majority (more than half of the votes) wins.
 * Without one, the digest recorded when the file was committed decides. If no replica matches it
 * either, nothing is decided: every replica is kept (deleting could lose the only good copy).
 */
public final class MajorityVote {
  private MajorityVote() {}

  /** One replica's content: its length and digest. */
  public record Content(long length, long digest) {}

  /**
   * The outcome. {@code winner} is null when nothing could be decided; {@code strictMajority} says
   * whether the winner had more than half of the votes; {@code losers} are indexes into the votes.
   */
  public record Decision(Content winner, boolean strictMajority, List<Integer> losers) {
    public boolean decided() {
      return winner != null;
    }
  }

  /** Votes over {@code votes} (one per live replica of the current version). */
  public static Decision decide(List<Content> votes, Content committed) {
    Content candidate = null;
    int count = 0;
    for (Content v : votes) {
      if (count == 0) {
        candidate = v;
        count = 1;
      } else if (v.equals(candidate)) {
        count++;
      } else {
        count--;
      }
    }
    int occurrences = 0;
    for (Content v : votes) {
      if (v.equals(candidate)) {
        occurrences++;
      }
    }
    Content winner;
    boolean strict;
    if (candidate != null && occurrences * 2 > votes.size()) {
      winner = candidate;
      strict = true;
    } else if (votes.contains(committed)) {
      winner = committed;
      strict = false;
    } else {
      return new Decision(null, false, List.of());
    }
    List<Integer> losers = new ArrayList<>();
    for (int i = 0; i < votes.size(); i++) {
      if (!votes.get(i).equals(winner)) {
        losers.add(i);
      }
    }
    return new Decision(winner, strict, losers);
  }
}
