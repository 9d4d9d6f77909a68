package io.clustertop.core.view;

/** iftop's port display: {@code -P}/{@code p} for both, {@code S} and {@code D} for one side. */
public enum PortDisplay {
  OFF,
  SOURCE_ONLY,
  DESTINATION_ONLY,
  ON;

  public boolean showsSource() {
    return this == ON || this == SOURCE_ONLY;
  }

  public boolean showsDestination() {
    return this == ON || this == DESTINATION_ONLY;
  }
}
