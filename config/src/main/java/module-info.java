/**
 * Granary's configuration: typed records per role, the YAML loader, sizes and durations, and
 * credentials files.
 */
module dev.granary.config {
  exports dev.granary.config;

  requires org.yaml.snakeyaml;
}
