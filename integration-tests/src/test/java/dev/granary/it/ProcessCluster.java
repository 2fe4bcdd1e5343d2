package dev.granary.it;

import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import dev.granary.config.HostPort;
import dev.granary.wire.Role;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of real {@code bin/granary} processes on loopback: what operators run. Each process
 * logs to its own file under the cluster's directory; {@link #logs()} gathers them for failure
 * messages. {@link #close()} kills every process, even when a test fails.
 */
public final class ProcessCluster implements AutoCloseable {
  /** Repository root (set by the pom for surefire; falls back to the working directory's parent). */
  public static Path root() {
    String r = System.getProperty("granary.root");
    return (r != null ? Path.of(r) : Path.of("..")).toAbsolutePath().normalize();
  }

  public static Path launcher() {
    return root().resolve("bin/granary");
  }

  private final Path dir;
  private final int masterPort;
  private final List<String> masterFlags;
  private final List<String> chunkserverFlags;
  private Process master;
  private Path masterDataDir;
  /** {@code GRANARY_JAVA_OPTS} of the master process, or null for the launcher's defaults. */
  private String masterJavaOptions;
  private final List<Process> chunkservers = new ArrayList<>();
  private final List<Integer> chunkserverPorts = new ArrayList<>();
  private int logCounter;

  public ProcessCluster(Path dir, List<String> masterFlags) throws IOException {
    this(dir, masterFlags, List.of());
  }

  /** A cluster whose chunkservers are also started with {@code chunkserverFlags}. */
  public ProcessCluster(Path dir, List<String> masterFlags, List<String> chunkserverFlags)
      throws IOException {
    this.dir = dir;
    this.masterPort = freePort();
    this.masterFlags = List.copyOf(masterFlags);
    this.chunkserverFlags = List.copyOf(chunkserverFlags);
  }

  /**
   * Starts a master with {@code masterFlags} and {@code chunkservers} chunkservers, and waits until
   * all are LIVE; on any failure whatever started is stopped before the error is thrown.
   */
  public static ProcessCluster started(Path dir, List<String> masterFlags, int chunkservers)
      throws IOException {
    ProcessCluster cluster = new ProcessCluster(dir, masterFlags);
    try {
      cluster.startMaster();
      cluster.startChunkservers(chunkservers);
      cluster.awaitLive(chunkservers, Duration.ofSeconds(60));
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public HostPort masterAddress() {
    return new HostPort("127.0.0.1", masterPort);
  }

  public Path dir() {
    return dir;
  }

  /**
   * JVM options added to the launcher's for the master from its next start (e.g. a smaller
   * heap, to show what the master holds).
   */
  public void masterJavaOptions(String options) {
    this.masterJavaOptions = options;
  }

  public void startMaster() throws IOException {
    startMaster(dir.resolve("master"));
  }

  /** Starts the master on the cluster's port with {@code dataDir} (an operator's other dir). */
  public void startMaster(Path dataDir) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher().toString(), "master", "--host",
        "127.0.0.1", "--port", Integer.toString(masterPort), "--data-dir",
        dataDir.toString()));
    if (!masterFlags.contains("--http-port")) {
      // Tests run side by side on one host: none may claim the default HTTP port.
      cmd.addAll(List.of("--http-port", "0"));
    }
    cmd.addAll(masterFlags);
    masterDataDir = dataDir;
    if (secured()) {
      Cli.useCredentials(masterAddress().toString(), adminCredentials());
    }
    master = spawn(cmd, "master", masterJavaOptions == null ? Map.of()
        : Map.of("GRANARY_JAVA_OPTS", masterJavaOptions));
  }

  /** Whether the master runs with {@code security: tls} (the default; not {@code --security none}). */
  public boolean secured() {
    int i = masterFlags.indexOf("--security");
    return i < 0 || i + 1 >= masterFlags.size() || !masterFlags.get(i + 1).equals("none");
  }

  /** The superuser's credentials file the secured master writes in its data dir. */
  public Path adminCredentials() {
    return masterDataDir.resolve("admin.credentials");
  }

  /**
   * The cluster's join token, from the master's {@code join-token} file, waiting up to a minute for
   * the master to create it.
   */
  public String joinToken() {
    Path file = masterDataDir.resolve("join-token");
    Wait.until("the master's join-token file", Duration.ofSeconds(60), () -> Files.exists(file)
        && !Files.readString(file).isBlank(), this::logs);
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public void startChunkservers(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      chunkservers.add(null);
      chunkserverPorts.add(freePort());
      startChunkserver(i);
    }
  }

  /** (Re)starts chunkserver {@code i} on its own port and data dir (its old disk, if any). */
  public void startChunkserver(int i) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher().toString(), "chunkserver", "--host",
        "127.0.0.1", "--port", Integer.toString(chunkserverPorts.get(i)), "--master",
        masterAddress().toString(), "--data-dir", chunkserverDir(i).toString()));
    cmd.addAll(chunkserverFlags);
    // A secured cluster's new chunkserver joins with the token, as an operator would start it;
    // one that joined before holds its certificate and ignores the token.
    Map<String, String> env = secured() && !Files.exists(chunkserverDir(i).resolve("tls/node.key"))
        ? Map.of("GRANARY_JOIN_TOKEN", joinToken()) : Map.of();
    chunkservers.set(i, spawn(cmd, "chunkserver-" + i, env));
  }

  /** How many chunkservers were started (running or killed). */
  public int chunkserverCount() {
    return chunkservers.size();
  }

  /** Whether chunkserver {@code i}'s process is running. */
  public boolean chunkserverRunning(int i) {
    Process p = chunkservers.get(i);
    return p != null && p.isAlive();
  }

  /** Whether the master's process is running. */
  public boolean masterRunning() {
    return master != null && master.isAlive();
  }

  /** The index of the chunkserver serving on {@code hostPort}, or -1. */
  public int chunkserverIndex(String hostPort) {
    for (int i = 0; i < chunkserverPorts.size(); i++) {
      if (hostPort.equals("127.0.0.1:" + chunkserverPorts.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Every replica file of {@code handle} (16 hex digits) on every chunkserver's disk, whether that
   * chunkserver runs or not, in chunkserver order.
   */
  public List<Path> replicaFiles(String handle) {
    List<Path> found = new ArrayList<>();
    for (int i = 0; i < chunkserverPorts.size(); i++) {
      Path f = chunkserverDir(i).resolve("replicas").resolve(handle + ".chunk");
      if (Files.exists(f)) {
        found.add(f);
      }
    }
    return found;
  }

  /** Every replica file ({@code .chunk}) on every chunkserver's disk, sorted. */
  public List<Path> allReplicaFiles() throws IOException {
    List<Path> found = new ArrayList<>();
    for (int i = 0; i < chunkserverPorts.size(); i++) {
      Path d = chunkserverDir(i).resolve("replicas");
      if (Files.isDirectory(d)) {
        try (var s = Files.list(d)) {
          s.filter(f -> f.toString().endsWith(".chunk")).forEach(found::add);
        }
      }
    }
    found.sort(null);
    return found;
  }

  /** A client of this cluster without a block cache (every read goes to a chunkserver). */
  public GranaryClient client(Duration timeout) {
    return GranaryClient.open(clientConfig(0, 4, timeout));
  }

  /** Waits until fsck of {@code /} says HEALTHY with every replica location reported. */
  public void awaitHealthy(Duration timeout) {
    try (GranaryClient c = client(Duration.ofSeconds(5))) {
      Wait.until("fsck HEALTHY", timeout, () -> {
        var r = c.fsck("/");
        return r.locationsComplete() && r.status().equals("HEALTHY");
      }, () -> {
        String report;
        try {
          report = String.valueOf(c.fsck("/"));
        } catch (Exception e) {
          report = "(fsck failed: " + e + ")";
        }
        return "last fsck: " + report + "\n" + logs();
      });
    }
  }

  public Path chunkserverDir(int i) {
    return dir.resolve("chunkserver-" + i);
  }

  public int chunkserverPort(int i) {
    return chunkserverPorts.get(i);
  }

  /** kill -9 of chunkserver {@code i}. */
  public void killChunkserver(int i) throws InterruptedException {
    Process p = chunkservers.get(i);
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      chunkservers.set(i, null);
    }
  }

  /** kill -9 of the master. */
  public void killMaster() throws InterruptedException {
    if (master != null) {
      master.destroyForcibly();
      master.waitFor(10, TimeUnit.SECONDS);
      master = null;
    }
  }

  public Process master() {
    return master;
  }

  private Process spawn(List<String> cmd, String name, Map<String, String> env)
      throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + "-" + (logCounter++) + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("GRANARY_MASTER");
    pb.environment().remove("GRANARY_CREDENTIALS");
    pb.environment().remove("GRANARY_JOIN_TOKEN");
    pb.environment().putAll(env);
    return ChildJvm.configure(pb).start();
  }

  /**
   * A raw protocol connection to one of this cluster's ports as a client: over TLS trusting the
   * cluster's authority when it is secured, and, to the master, authenticated as the superuser.
   */
  public Connection rawClient(EventLoopGroup group, int port, String id, Duration timeout)
      throws Exception {
    SslContext tls = null;
    Credentials admin = null;
    if (secured()) {
      admin = Credentials.read(clientConfig(0, 1, timeout).credentials());
      tls = TlsContexts.user(Pem.certificate(admin.caCert(), "admin.credentials"));
    }
    Connection c = Connection.connect(Transports.clientBootstrap(group, timeout), "127.0.0.1",
        port, Role.CLIENT, "", id, timeout, tls).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    if (admin != null && port == masterPort) {
      c.call(new AuthenticateRequest(admin.user(), admin.token()), timeout)
          .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }
    return c;
  }

  /**
   * A client configuration for this cluster: the superuser's credentials when secured (waiting up
   * to a minute for the master to write them on its first start).
   */
  public ClientConfig clientConfig(long cacheSize, int parallelism, Duration timeout) {
    if (secured()) {
      Path file = adminCredentials();
      Wait.until("the master's admin.credentials", Duration.ofSeconds(60),
          () -> Files.exists(file), this::logs);
    }
    return new ClientConfig(masterAddress(), cacheSize, parallelism, timeout,
        secured() ? adminCredentials() : null);
  }

  /** Waits until {@code n} chunkservers are LIVE. */
  public void awaitLive(int n, Duration timeout) {
    try (GranaryClient c = GranaryClient.open(clientConfig(0, 1, Duration.ofSeconds(3)))) {
      Wait.until(n + " live chunkservers", timeout, () -> {
        ClusterStatus st = c.clusterStatus();
        return st.nodes().stream().filter(x -> x.state().equals("LIVE")).count() >= n;
      }, this::logs);
    }
  }

  /** Every process log, for failure messages. */
  public String logs() {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.list(dir)) {
      for (Path p : s.filter(x -> x.toString().endsWith(".log")).sorted().toList()) {
        sb.append("==== ").append(p.getFileName()).append('\n');
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        for (String l : lines.subList(Math.max(0, lines.size() - 60), lines.size())) {
          sb.append(l).append('\n');
        }
      }
    } catch (IOException e) {
      sb.append("(logs unavailable: ").append(e).append(")");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Process p : chunkservers) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (master != null) {
      master.destroyForcibly();
    }
    for (Process p : chunkservers) {
      if (p != null) {
        waitQuietly(p);
      }
    }
    if (master != null) {
      waitQuietly(master);
    }
  }

  private static void waitQuietly(Process p) {
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
