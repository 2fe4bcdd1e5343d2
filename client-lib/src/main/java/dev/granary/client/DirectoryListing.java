package dev.granary.client;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The entries of one directory in name order, fetched from {@link GranaryClient#listPage} a page
 * at a time as iteration reaches them ({@link GranaryClient#listing}). Each page continues after
 * the last name seen, so an entry present throughout the iteration is returned exactly once, in
 * order, even while others are added or removed; those may or may not appear.
 *
 * <p>{@link #hasNext()} and {@link #next()} fetch the next page when the current one is used up;
 * a failed fetch (the directory removed, the cluster unavailable, ...) throws an
 * {@link UncheckedGranaryException} whose cause is the typed {@link GranaryException}, and the
 * same call may be retried. Not thread-safe; {@link #remove()} is unsupported.
 */
public final class DirectoryListing implements Iterator<FileStatus> {
  private final GranaryClient client;
  private final String dir;
  private final int pageSize;
  private Iterator<FileStatus> page = Collections.emptyIterator();
  private String startAfter = "";
  private boolean more = true;

  DirectoryListing(GranaryClient client, String dir, int pageSize) {
    this.client = client;
    this.dir = dir;
    this.pageSize = pageSize;
  }

  /**
   * Whether another entry follows, fetching the next page if this one is used up.
   *
   * @throws UncheckedGranaryException if fetching the next page failed
   */
  @Override
  public boolean hasNext() {
    while (!page.hasNext() && more) {
      DirectoryPage next;
      try {
        next = client.listPage(dir, startAfter, pageSize);
        if (next.more()) {
          startAfter = continuation(dir, next);
        }
      } catch (GranaryException e) {
        throw new UncheckedGranaryException(e);
      }
      more = next.more();
      page = next.entries().iterator();
    }
    return page.hasNext();
  }

  /**
   * The next entry.
   *
   * @throws NoSuchElementException if there is none
   * @throws UncheckedGranaryException if fetching the next page failed
   */
  @Override
  public FileStatus next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries in " + dir);
    }
    return page.next();
  }

  /**
   * Where the page after {@code page} starts. A page that says more follows but holds nothing
   * would make a pager ask the same question forever: that is a server bug, not an empty end.
   */
  static String continuation(String dir, DirectoryPage page) throws InternalException {
    String after = page.nextStartAfter();
    if (after == null) {
      throw new InternalException(dir + ": the master sent an empty listing page that says more"
          + " entries follow");
    }
    return after;
  }
}
