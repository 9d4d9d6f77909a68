package io.clustertop.core.table;

/**
 * The field mappings {@link SlotColumns#addFrom} takes that are not a share's: shared arrays, not to
 * be changed.
 */
public final class FieldMaps {
  /** Every field as it is. */
  public static final int[] SAME = {0, 1, 2, 3};
  /** The sent half only. */
  public static final int[] SENT = {0, 1, -1, -1};
  /** The received half only. */
  public static final int[] RECEIVED = {-1, -1, 2, 3};
  /** Into a one-field table (bytes): the sent bytes. */
  public static final int[] SENT_BYTES = {0};
  /** Into a one-field table (bytes): the received bytes. */
  public static final int[] RECEIVED_BYTES = {2};

  private FieldMaps() {}
}
