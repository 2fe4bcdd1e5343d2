package dev.granary.client;

import java.util.List;

/**
 * One page of a directory listing ({@link GranaryClient#listPage}): entries in name order
 * (by the bytes of their UTF-8 names) and whether more follow.
 *
 * @param entries at most the page size the call asked for, and never more than
 *     {@link #MAX_ENTRIES}
 * @param more true if the directory has entries after the last one here: ask again with
 *     {@link #nextStartAfter()}
 */
public record DirectoryPage(List<FileStatus> entries, boolean more) {
  /**
   * The most entries one page holds, whatever a caller asks: the master's cap, which bounds what
   * one request can make it build.
   */
  public static final int MAX_ENTRIES = 1000;

  public DirectoryPage {
    entries = List.copyOf(entries);
  }

  /**
   * The name to pass as {@code startAfter} for the next page: the last entry's name, or null if
   * this page is empty.
   */
  public String nextStartAfter() {
    return entries.isEmpty() ? null : entries.get(entries.size() - 1).name();
  }
}
