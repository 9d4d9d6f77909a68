package io.clustertop.launcher;

/** Exit statuses: 0 done, 2 a problem the user can fix (flag, interface, filter, file, config). */
final class ExitStatus {
  static final int OK = 0;
  static final int USAGE = 2;

  private ExitStatus() {}
}
