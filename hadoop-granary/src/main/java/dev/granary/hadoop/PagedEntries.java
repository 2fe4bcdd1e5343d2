package dev.granary.hadoop;

import dev.granary.client.DirectoryListing;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.UncheckedGranaryException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.hadoop.fs.ContentSummary;

/**
 * A directory's entries in name order through the client's paged listing (at most
 * {@link dev.granary.client.DirectoryPage#MAX_ENTRIES} in memory at a time), with the first page
 * fetched at {@link #open} so that a missing directory fails there, and a later page's failure
 * surfacing as the checked {@link GranaryException} it is (the client's iterator wraps it
 * unchecked). Also the walk behind {@code getContentSummary}. Not thread-safe.
 */
final class PagedEntries {
  private final DirectoryListing pages;

  private PagedEntries(DirectoryListing pages) {
    this.pages = pages;
  }

  static PagedEntries open(GranaryClient client, String dir) throws GranaryException {
    PagedEntries entries = new PagedEntries(client.listing(dir));
    entries.hasNext();
    return entries;
  }

  boolean hasNext() throws GranaryException {
    try {
      return pages.hasNext();
    } catch (UncheckedGranaryException e) {
      throw e.getCause();
    }
  }

  FileStatus next() throws GranaryException {
    try {
      return pages.next();
    } catch (UncheckedGranaryException e) {
      throw e.getCause();
    }
  }

  /**
   * Sizes under {@code path}: files, directories (itself included), bytes, and the space the
   * replicas take (bytes times each file's replication); a file counts as itself.
   */
  static ContentSummary summary(GranaryClient client, String path) throws GranaryException {
    FileStatus top = client.stat(path);
    if (!top.directory()) {
      return summary(top.size(), 1, 0, top.size() * top.replication());
    }
    long length = 0;
    long files = 0;
    long dirs = 0;
    long space = 0;
    Deque<String> pending = new ArrayDeque<>();
    pending.add(path);
    while (!pending.isEmpty()) {
      String dir = pending.poll();
      dirs++;
      PagedEntries it = open(client, dir);
      while (it.hasNext()) {
        FileStatus e = it.next();
        if (e.directory()) {
          pending.add(e.path());
        } else {
          files++;
          length += e.size();
          space += e.size() * e.replication();
        }
      }
    }
    return summary(length, files, dirs, space);
  }

  private static ContentSummary summary(long length, long files, long dirs, long space) {
    return new ContentSummary.Builder().length(length).fileCount(files).directoryCount(dirs)
        .spaceConsumed(space).quota(-1).spaceQuota(-1).build();
  }
}
