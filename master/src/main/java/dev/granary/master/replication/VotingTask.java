package dev.granary.master.replication;

/** Resolves the pending majority votes over disagreeing replicas. */
final class VotingTask implements TickTask {
  private final VoteResolver votes;

  VotingTask(VoteResolver votes) {
    this.votes = votes;
  }

  @Override
  public void run(long now) {
    votes.resolveAll();
  }
}
