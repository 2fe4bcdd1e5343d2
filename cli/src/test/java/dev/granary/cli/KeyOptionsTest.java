package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigKeys;
import dev.granary.config.ConfigLoader;
import dev.granary.config.Effective;
import dev.granary.config.KeyInfo;
import dev.granary.config.MasterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The server and client commands' config flags, generated from the schema. */
class KeyOptionsTest {
  @TempDir
  Path tmp;

  private static CommandLine granary() {
    return GranaryCommand.commandLine(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"master, master", "chunkserver, chunkserver", "ls, client", "put, client",
      "bench, client"})
  void everyKeyOfTheSectionHasItsFlagWithTheKeysHelp(String command, String section) {
    CommandSpec spec = granary().getSubcommands().get(command).getCommandSpec();
    for (KeyInfo key : ConfigKeys.keys(section)) {
      OptionSpec option = spec.findOption(key.flag());
      assertNotNull(option, command + " has no " + key.flag());
      assertEquals(key.label(), option.paramLabel());
      String help = String.join(" ", option.description());
      assertTrue(help.startsWith(key.description() + " ("), help);
      assertTrue(help.contains(key.defaultValue() == null ? "none" : key.defaultValue()), help);
    }
  }

  @Test
  void helpShowsEachDefaultAsTheKeyRendersIt() {
    MainTest.Result master = MainTest.run("master", "--help");
    assertEquals(0, master.code(), master.err());
    assertTrue(master.out().contains("--chunk-size=SIZE"), master.out());
    assertTrue(master.out().contains("(default 64MiB)."), master.out());
    assertTrue(master.out().contains("(default 10s)."), master.out());
    assertTrue(master.out().contains("--config=FILE"), master.out());

    MainTest.Result ls = MainTest.run("ls", "--help");
    assertTrue(ls.out().contains("--master=HOST:PORT"), ls.out());
    assertTrue(ls.out().replaceAll("\\s+", " ")
        .contains("(default: env GRANARY_MASTER, else 127.0.0.1:7070)."), ls.out());
  }

  @Test
  void helpTextIsTheDescriptionThenTheDefault() {
    KeyInfo size = new KeyInfo("master", "chunkSize", "--chunk-size", "SIZE", "Bytes per chunk",
        "64MiB", null);
    assertEquals("Bytes per chunk (default 64MiB).", KeyOptions.help(size));
    KeyInfo token = new KeyInfo("chunkserver", "joinToken", "--join-token", "TOKEN", "A token",
        null, "GRANARY_JOIN_TOKEN");
    assertEquals("A token (default: env GRANARY_JOIN_TOKEN, else none).", KeyOptions.help(token));
  }

  @Test
  void helpShowsPercentSignsAndDollarBracesAsWritten() {
    CommandSpec spec = CommandSpec.create();
    spec.addOption(OptionSpec.builder("--threshold")
        .description(KeyOptions.literal("Within 10% of ${HOME} (default 5%).")).build());
    StringWriter help = new StringWriter();
    PrintWriter err = new PrintWriter(new StringWriter());
    new CommandLine(spec).setErr(err).usage(new PrintWriter(help, true));
    assertTrue(help.toString().contains("Within 10% of ${HOME} (default 5%)."), help.toString());
  }

  @Test
  void aGivenFlagSetsItsKeyAndOnlyGivenFlagsReachTheLoader() throws Exception {
    CommandLine cli = granary();
    cli.parseArgs("master", "--chunk-size", "1MiB", "--dead-after", "20s");
    MasterCommand master = cli.getSubcommands().get("master").getCommand();
    assertEquals(Map.of("chunkSize", "1MiB", "deadAfter", "20s"), master.keys.given());
    MasterConfig config = ConfigLoader.loadMaster(null, master.keys.given());
    assertEquals(1L << 20, config.chunkSize());
    assertEquals(Duration.ofSeconds(20), config.deadAfter());

    cli = granary();
    cli.parseArgs("ls", "/", "--timeout", "5s", "--master", "10.0.0.1:7000");
    LsCommand ls = cli.getSubcommands().get("ls").getCommand();
    ClientConfig client = ls.client.config();
    assertEquals(Duration.ofSeconds(5), client.timeout());
    assertEquals("10.0.0.1:7000", client.master().toString());
  }

  @Test
  void aFlagBeatsTheConfigFileWhichBeatsTheDefault() throws Exception {
    Path file = Files.writeString(tmp.resolve("g.yaml"), "master:\n  port: 9000\n  replication: 2\n"
        + "  minReplicas: 1\n");
    CommandLine cli = granary();
    cli.parseArgs("master", "--config", file.toString(), "--port", "9001");
    MasterCommand master = cli.getSubcommands().get("master").getCommand();
    Effective<MasterConfig> effective = ConfigLoader.effectiveMaster(master.config,
        master.keys.given());
    assertEquals(9001, effective.config().port());
    assertEquals(2, effective.config().replication());
    assertEquals(MasterConfig.defaults().chunkSize(), effective.config().chunkSize());
    assertTrue(effective.toString().contains("port=9001 (flag --port), "), effective.toString());
    assertTrue(effective.toString().contains("replication=2 (file " + file + ")"),
        effective.toString());
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(delimiter = '|', value = {
    "master      | --chunk-size     | 100KiB | granary: invalid --chunk-size \"100KiB\": expected a"
        + " multiple of 64KiB between 64KiB and 1GiB",
    "master      | --placement      | rond | granary: invalid --placement \"rond\": expected one of"
        + " round-robin, most-free-space",
    "chunkserver | --scrub-interval | 10   | granary: invalid --scrub-interval \"10\": a unit is"
        + " required; expected one of ms, s, m, h, d after the number, e.g. 10s",
    "ls          | --parallelism    | 0    | granary: invalid --parallelism \"0\": expected an"
        + " integer between 1 and 64",
  })
  @Timeout(60) // a value the loader accepted would start a server that runs until stopped
  void aBadValueIsOneLineAndExitCode2(String command, String flag, String value, String line) {
    MainTest.Result r = MainTest.run(command, flag, value);
    assertEquals(2, r.code(), r::toString);
    assertEquals(line, r.err().strip());
  }

  @Test
  void aFlagGivenTwiceOrWithoutAValueIsAUsageError() {
    MainTest.Result twice = MainTest.run("master", "--port", "1", "--port", "2");
    assertEquals(2, twice.code(), twice::toString);
    assertEquals(1, twice.err().strip().lines().count(), twice.err());
    MainTest.Result bare = MainTest.run("chunkserver", "--master");
    assertEquals(2, bare.code(), bare::toString);
    assertEquals("granary: Missing required parameter for option '--master' (HOST:PORT) (see"
        + " 'granary chunkserver --help')", bare.err().strip());
  }
}
