package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The count of open readers by which readers share the block cache. */
class BlockCacheTest {
  @Test
  void eachReaderLearnsHowManyOthersAreOpen() {
    BlockCache cache = new BlockCache(256L << 20);
    assertEquals(0, cache.readerOpened());
    assertEquals(1, cache.readerOpened());
    assertEquals(2, cache.readerOpened());
    cache.readerClosed();
    cache.readerClosed();
    assertEquals(1, cache.readerOpened()); // one of the first three is still open
  }
}
