package io.clustertop.launcher;

import io.clustertop.collector.CollectorServer;
import picocli.CommandLine;

/** A collector for a test, started as {@code clustertop collector ARGS} starts one (stop it when done). */
final class TestCollector {
  private TestCollector() {}

  /** @param args {@code clustertop collector}'s options, e.g. {@code --listen 127.0.0.1:0} */
  static CollectorServer start(String... args) {
    return parse(args).start();
  }

  /**
   * The command, not started yet ({@code start()} it), for a test that needs it afterwards: its TLS
   * files ({@code command.tls}: close them when done, as the command does at exit).
   */
  static CollectorCommand parse(String... args) {
    CollectorCommand command = new CollectorCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
