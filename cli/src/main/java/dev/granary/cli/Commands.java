package dev.granary.cli;

import java.util.List;

/** The subcommands of {@code granary}, in the order {@code --help} lists them (hidden ones last). */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    return List.of(new MasterCommand(), new ChunkserverCommand(), new PutCommand(),
        new GetCommand(), new CatCommand(), new LsCommand(), new MkdirCommand(), new RmCommand(),
        new MvCommand(), new StatCommand(), new ChmodCommand(), new ChownCommand(),
        new PolicyCommand(), new VersionsCommand(), new RestoreCommand(), new SnapshotCommand(),
        new TrashCommand(), new KeyCommand(),
        new ClusterCommand(), new FsckCommand(), new BalanceCommand(), new DecommissionCommand(),
        new RecommissionCommand(), new UserCommand(),
        new BenchCommand(), new DemoCommand(), new ConfigTableCommand());
  }
}
