/**
 * Keeping personal data out of what clustertop shows and keeps: {@link
 * io.clustertop.core.privacy.RemoteMask} (public remote addresses truncated or hashed, their
 * destination class kept).
 */
package io.clustertop.core.privacy;
