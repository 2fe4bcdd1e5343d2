package dev.granary.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes a Netty buffer leak fail the build instead of only printing "LEAK:" to the log. Autodetected
 * (see {@code junit-platform.properties}), so it is installed before any test allocates a buffer;
 * after each test class it collects garbage and fails if the leak detector (paranoid in tests)
 * reported anything. A leak found after a class may have been made by an earlier class: the
 * detector only notices a leaked buffer once it has been garbage collected.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int i = 0; i < 3 && LEAKS.isEmpty(); i++) {
      System.gc();
      Thread.yield();
      // The detector polls its reference queue when it tracks a new buffer.
      for (int j = 0; j < 16; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(8);
        b.release();
      }
    }
    List<String> found = new ArrayList<>();
    for (String s; (s = LEAKS.poll()) != null; ) {
      found.add(s);
    }
    if (!found.isEmpty()) {
      throw new AssertionError(found.size() + " Netty leak(s) detected after "
          + context.getDisplayName() + " (possibly made by an earlier test class):\n"
          + String.join("\n----\n", found));
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource,
        int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected boolean needReport() {
          return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add(resourceType + " leaked:" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add(resourceType + " leaked (no records)");
        }
      };
    }
  }
}
