package dev.granary.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jar users get, {@code target/hadoop-granary.jar} (run by failsafe after {@code package}):
 * every class in it is under {@code dev/granary/} (Netty, Caffeine, SnakeYAML, BouncyCastle
 * relocated; no Hadoop, no SLF4J; Netty's native libraries only under names for the relocated
 * package), it registers the file system, and, put
 * beside Hadoop's jars and nothing of Granary's, it serves {@code granary://}: with Hadoop 3.5
 * (this build's) and with Hadoop 3.4's shaded client jars.
 */
@ExtendWith(TestCluster.Join.class)
class ShadedJarIT {
  private static final String SERVICES = "META-INF/services/org.apache.hadoop.fs.FileSystem";

  private static Path jar() {
    String p = System.getProperty("granary.hadoop.jar");
    assertTrue(p != null && Files.isRegularFile(Path.of(p)),
        "system property granary.hadoop.jar names the shaded jar: " + p);
    return Path.of(p);
  }

  @Test
  void everyClassIsRelocatedAndTheFileSystemIsRegistered() throws IOException {
    List<String> foreign = new ArrayList<>();
    String services = null;
    try (JarFile jar = new JarFile(jar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String name = entry.getName().replaceFirst("^META-INF/versions/\\d+/", "");
        // zstd-jni is the one library left unrelocated: its JNI library binds to its own
        // package and it has no Java fallback (Hadoop ships no zstd-jni to clash with).
        boolean zstd = name.startsWith("com/github/luben/zstd/")
            || name.matches("([a-z0-9]+/)+libzstd-jni-[0-9.-]+\\.(so|dll|dylib)");
        if (name.endsWith(".class") && !name.startsWith("dev/granary/") && !zstd) {
          foreign.add(entry.getName());
        }
        boolean nativeLibrary = name.endsWith(".so") || name.endsWith(".dll")
            || name.endsWith(".jnilib");
        // Netty loads a relocated copy's libraries by the mangled package prefix; a library
        // under its own name would be the application's Netty's, never ours.
        if (nativeLibrary && !zstd && !name.matches(
            "META-INF/native/(lib)?dev_granary_shaded_netty_[a-z0-9_]+\\.(so|dll|jnilib)")) {
          foreign.add(entry.getName());
        }
        if (entry.getName().equals(SERVICES)) {
          try (InputStream in = jar.getInputStream(entry)) {
            services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
      assertTrue(jar.getEntry("dev/granary/shaded/io/netty/channel/Channel.class") != null,
          "Netty is inside, relocated");
      assertTrue(jar.getEntry(
          "META-INF/native/libdev_granary_shaded_netty_tcnative_linux_x86_64.so") != null,
          "BoringSSL is inside, named for the relocated Netty");
    }
    assertEquals(List.of(), foreign, "classes or native libraries outside dev/granary/");
    assertEquals("dev.granary.hadoop.GranaryFileSystem", services == null ? null
        : services.strip(), SERVICES);
  }

  @Test
  void servesGranaryBesideHadoop35sJars() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(jar().toUri().toURL());
    // This build's test class path is Hadoop 3.5's: everything on it but Granary's own classes.
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      boolean granary = entry.contains("/target/classes") || entry.contains("/target/test-classes")
          || name.startsWith("granary-") || name.startsWith("hadoop-granary");
      if (!granary) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    roundTrip(urls, "3.5");
  }

  @Test
  void servesGranaryBesideHadoop34sShadedClientJars() throws Exception {
    String dir = System.getProperty("granary.hadoop34.dir");
    assertTrue(dir != null && Files.isDirectory(Path.of(dir)),
        "system property granary.hadoop34.dir names Hadoop 3.4's client jars: " + dir);
    List<URL> urls = new ArrayList<>();
    urls.add(jar().toUri().toURL());
    try (Stream<Path> jars = Files.list(Path.of(dir))) {
      for (Path p : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(p.toUri().toURL());
      }
    }
    assertEquals(5, urls.size(), "client-api, client-runtime, commons-logging, slf4j-api: " + urls);
    roundTrip(urls, "3.4");
  }

  /**
   * In a class loader of just {@code urls} (the shaded jar first), asks Hadoop for a {@code
   * granary://} file system, checks it is Hadoop {@code version}'s and the jar's, and writes,
   * reads and deletes a file through it.
   */
  private static void roundTrip(List<URL> urls, String version) throws Exception {
    byte[] data = ("granary through the shaded jar beside Hadoop " + version + "\n")
        .getBytes(StandardCharsets.UTF_8);
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
        ClassLoader.getPlatformClassLoader())) {
      // Hadoop finds its configuration and file systems through the context class loader.
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> versionInfo = loader.loadClass("org.apache.hadoop.util.VersionInfo");
      String hadoop = (String) versionInfo.getMethod("getVersion").invoke(null);
      assertTrue(hadoop.startsWith(version + "."), "Hadoop " + hadoop);
      Class<?> confClass = loader.loadClass("org.apache.hadoop.conf.Configuration");
      Object conf = confClass.getConstructor().newInstance();
      confClass.getMethod("set", String.class, String.class).invoke(conf,
          ConnectorConfig.CREDENTIALS, TestCluster.get().adminCredentials().toString());
      Class<?> fsClass = loader.loadClass("org.apache.hadoop.fs.FileSystem");
      Class<?> pathClass = loader.loadClass("org.apache.hadoop.fs.Path");
      Object fs = fsClass.getMethod("newInstance", URI.class, confClass)
          .invoke(null, TestCluster.get().uri(), conf);
      try {
        assertEquals("dev.granary.hadoop.GranaryFileSystem", fs.getClass().getName());
        assertSame(loader, fs.getClass().getClassLoader(), "loaded from the shaded jar");
        if (System.getProperty("os.name").equals("Linux")
            && System.getProperty("os.arch").equals("amd64")) {
          // The relocated Netty found its renamed libraries: the client runs on epoll and
          // BoringSSL as the CLI does, not on the JDK's NIO and TLS.
          for (String c : List.of("dev.granary.shaded.io.netty.channel.epoll.Epoll",
              "dev.granary.shaded.io.netty.handler.ssl.OpenSsl")) {
            Object available = loader.loadClass(c).getMethod("isAvailable").invoke(null);
            assertEquals(Boolean.TRUE, available, c + ".isAvailable() from the shaded jar");
          }
        }
        Object path = pathClass.getConstructor(String.class)
            .newInstance("/shaded-jar-" + version + "/hello.txt");
        Method create = fsClass.getMethod("create", pathClass, boolean.class);
        try (OutputStream out = (OutputStream) create.invoke(fs, path, true)) {
          out.write(data);
        }
        try (InputStream in = (InputStream) fsClass.getMethod("open", pathClass)
            .invoke(fs, path)) {
          assertArrayEquals(data, in.readAllBytes());
        }
        // Compressed files through the shaded jar: lz4 relocated (its pure-Java code, as its
        // JNI library binds to the original package) and zstd-jni as it is (native).
        byte[] text = String.join("", java.util.Collections.nCopies(20_000,
            "granary compresses this line per block; ")).getBytes(StandardCharsets.UTF_8);
        for (String codec : List.of("lz4", "zstd")) {
          String dir = "/shaded-jar-" + version + "/" + codec;
          try (dev.granary.client.GranaryClient admin = dev.granary.client.GranaryClient.open(
              new dev.granary.config.ClientConfig(TestCluster.get().masterAddress(), 0, 1,
                  java.time.Duration.ofSeconds(10), TestCluster.get().adminCredentials()))) {
            admin.mkdirs(dir, true);
            admin.setPolicy(dir, dev.granary.client.PolicyChange.none()
                .compression(dev.granary.client.Compression.of(codec)));
            Object file = pathClass.getConstructor(String.class).newInstance(dir + "/text");
            try (OutputStream out = (OutputStream) create.invoke(fs, file, true)) {
              out.write(text);
            }
            try (InputStream in = (InputStream) fsClass.getMethod("open", pathClass)
                .invoke(fs, file)) {
              assertArrayEquals(text, in.readAllBytes(), codec);
            }
            dev.granary.client.FileStatus st = admin.stat(dir + "/text");
            assertEquals(codec, st.compression());
            assertTrue(st.storedSize() < text.length / 4, st::toString);
          }
        }
        fsClass.getMethod("delete", pathClass, boolean.class).invoke(fs,
            pathClass.getMethod("getParent").invoke(path), true);
      } finally {
        fsClass.getMethod("close").invoke(fs);
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
