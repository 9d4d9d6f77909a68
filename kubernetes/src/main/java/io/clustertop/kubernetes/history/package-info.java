/**
 * Who held an address when: per-address histories of holders ({@link
 * io.clustertop.kubernetes.history.AddressTable}), written by one writer, read without locks.
 */
package io.clustertop.kubernetes.history;
