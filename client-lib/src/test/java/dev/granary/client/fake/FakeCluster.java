package dev.granary.client.fake;

import dev.granary.config.ClientConfig;
import dev.granary.config.HostPort;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A fake master and {@code n} fake chunkservers on free loopback ports. */
public final class FakeCluster implements AutoCloseable {
  private final EventLoopGroup group = Transports.eventLoopGroup(2, "fake-cluster");
  public final FakeMaster master;
  public final List<FakeChunkserver> chunkservers = new ArrayList<>();

  public FakeCluster(int n) {
    for (int i = 0; i < n; i++) {
      chunkservers.add(new FakeChunkserver(group, "cs-" + i, this::chunkserver));
    }
    master = new FakeMaster(group, chunkservers);
    try {
      master.start();
      chunkservers.forEach(FakeChunkserver::start);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public FakeChunkserver chunkserver(String id) {
    for (FakeChunkserver c : chunkservers) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  public ClientConfig config(long cacheSize, int parallelism, Duration timeout) {
    return new ClientConfig(new HostPort("127.0.0.1", master.port()), cacheSize, parallelism,
        timeout);
  }

  public int readRequests() {
    int n = 0;
    for (FakeChunkserver c : chunkservers) {
      n += c.readRequests();
    }
    return n;
  }

  @Override
  public void close() {
    master.close();
    chunkservers.forEach(FakeChunkserver::close);
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
