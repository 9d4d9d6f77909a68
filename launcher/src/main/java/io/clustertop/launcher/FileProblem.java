package io.clustertop.launcher;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/** Why a file named on the command line could not be read, in words rather than an exception's name or a bare path. */
final class FileProblem {
  private FileProblem() {}

  static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.toLowerCase(Locale.ROOT).contains("is a directory")) {
      return "it is a directory";
    }
    return m.isEmpty() ? e.getClass().getSimpleName() : m;
  }
}
