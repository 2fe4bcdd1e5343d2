package dev.granary.master.state;

import dev.granary.master.journal.MetadataStore;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The one owner of the master's metadata and of the lock that guards it: the image (namespace,
 * retry cache, counters) and, by the same lock, the chunk soft state, which every other part
 * reaches only through {@link #read} and {@link #write}. Nothing else takes the lock. The one loan
 * is explicit: the store receives it when opened ({@link #open}), to undo records the log failed
 * to make durable (see {@link MetadataStore}).
 *
 * <p>Reads run concurrently; a write excludes everything. Both are reentrant, so a step may call
 * another that reads.
 */
public final class MasterState {
  /** Opens the store with the lock it is lent. */
  @FunctionalInterface
  public interface StoreOpener {
    MetadataStore open(ReentrantReadWriteLock lock) throws IOException;
  }

  /** The state and the store it lent its lock to. */
  public record Opened(MasterState state, MetadataStore store) {}

  private final ReentrantReadWriteLock lock;
  private final MetadataImage image;

  /** State over {@code image} with no operation log (tests of the parts above it). */
  public MasterState(MetadataImage image) {
    this(new ReentrantReadWriteLock(), image);
  }

  private MasterState(ReentrantReadWriteLock lock, MetadataImage image) {
    this.lock = lock;
    this.image = image;
  }

  /**
   * Creates the lock, lends it to the store {@code opener} opens, and owns the store's image.
   *
   * @throws IOException what {@code opener} throws
   */
  public static Opened open(StoreOpener opener) throws IOException {
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    MetadataStore store = opener.open(lock);
    return new Opened(new MasterState(lock, store.image()), store);
  }

  public MetadataImage image() {
    return image;
  }

  public Namespace namespace() {
    return image.namespace();
  }

  /** Runs {@code query} under the read lock. */
  public <T> T read(Supplier<T> query) {
    lock.readLock().lock();
    try {
      return query.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code query} under the read lock. */
  public void read(Runnable query) {
    lock.readLock().lock();
    try {
      query.run();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code change} under the write lock and returns what it returns. */
  public <T> T write(Supplier<T> change) {
    lock.writeLock().lock();
    try {
      return change.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Runs {@code change} under the write lock. */
  public void write(Runnable change) {
    lock.writeLock().lock();
    try {
      change.run();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
