package io.clustertop.console.screen;

import io.clustertop.console.status.Attachment;

/**
 * What the screen shows besides the snapshot.
 *
 * @param message a message or a prompt, top left in reverse video as iftop shows them; null for none
 * @param status the status line (what the screen is attached to, nodes, drops, connection); null
 *     for none, as in iftop
 * @param selected the row picked for {@code enter} (an index into the snapshot's rows), or -1
 * @param attachment what the screen is attached to: the help lists the keys that apply there
 */
public record Overlay(String message, String status, int selected, Attachment attachment) {
  /** A local capture with nothing to say: iftop's own screen. */
  public static final Overlay NONE = new Overlay(null, null, -1, Attachment.LOCAL_CAPTURE);
}
