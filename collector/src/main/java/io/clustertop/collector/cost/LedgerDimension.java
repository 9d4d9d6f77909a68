package io.clustertop.collector.cost;

/**
 * One breakdown of a cost ledger; each holds every byte once, so each adds up to the same total.
 * The history stores a row's dimension as the ordinal: the order is the file's format, and a new
 * dimension goes at the end.
 */
public enum LedgerDimension {
  /** By remote address. */
  REMOTE,
  /** By service: the conversation's service port and protocol ({@code tcp/443}). */
  SERVICE,
  /** By the namespace of the local end's pod, as the placement named it ({@code (host)}, {@code (no pod)} where none). */
  NAMESPACE,
  /** By the workload of the local end's pod ({@code namespace/Kind/name}), named alike where none. */
  WORKLOAD;

  /** Named by where the conversation's local end is (its placement), not by its remote end. */
  public boolean byPlacement() {
    return this == NAMESPACE || this == WORKLOAD;
  }
}
