package dev.granary.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * Runs a server in the foreground until SIGTERM or SIGINT, then closes it (metadata flushed, files
 * closed) before the JVM exits.
 */
final class ServerProcess {
  private ServerProcess() {}

  static int runUntilSignalled(AutoCloseable server, String name, Logger log) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      log.info("{}: stopping (signal)", name);
      try {
        server.close();
      } catch (Exception e) {
        log.warn("{}: error while stopping", name, e);
      } finally {
        log.info("{}: stopped", name);
        stopped.countDown();
      }
    }, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    // The process lives until a signal; the shutdown hook does the clean stop.
    stopped.await();
    return 0;
  }
}
